package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.HeadPose;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One mouth of the template: the source frame it was cut from, its shape (inner-lip opening, mouth width and lip
 * fullness, in eye spans), the head's pose, the lower face in the canonical {@link MouthFrame} ({@code patch}, BGR),
 * the source face's paste points there ({@link PasteMesh#points}: x, y, depth triples, patch pixels), and the source
 * frame's four corners in the patch (x,y pairs, patch pixels) and the {@link PatchValidity} mask drawn from them
 * ({@code valid}; null when the source covers the whole patch): where the patch holds real pixels.
 */
public record MouthEntry(int sourceIndex, float opening, float width, float lips, HeadPose pose, Mat patch, float[] points,
                         float[] sourceCorners, Mat valid) {
    /** Where the patch may be shown: 255 on real source pixels, feathered to 0 before they end. */
    public Mat validity() { return valid != null ? valid : PatchValidity.whole(); }

    public void close() {
        if (patch != null) patch.close();
        if (valid != null) valid.close();
    }
}
