package io.lipdrop.lipsync.mouth;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One mouth of the template: the source frame it was cut from, its shape (inner-lip opening, mouth width and lip
 * fullness, in eye spans), the head's pose ({@link io.lipdrop.lipsync.face.FaceShape#pose()}), the lower face in the canonical {@link MouthFrame} ({@code patch}, BGR) and that lower face's
 * outline there (x,y pairs, patch pixels).
 */
public record MouthEntry(int sourceIndex, float opening, float width, float lips, float[] pose, Mat patch, float[] outline) {
    public void close() { if (patch != null) patch.close(); }
}
