package io.lipdrop.lipsync.face;

/**
 * A face a detector proposes, in frame pixels: the box, the detector's confidence and, for BlazeFace, six
 * keypoints (right eye, left eye, nose tip, mouth, right ear, left ear: the subject's right is the image's left)
 * as x,y pairs. A cascade gives no keypoints ({@code keypoints.length == 0}).
 */
public record FaceCandidate(float x, float y, float width, float height, float score, float[] keypoints) {
    public static final int RIGHT_EYE = 0;
    public static final int LEFT_EYE = 1;

    public float centerX() { return x + width / 2; }
    public float centerY() { return y + height / 2; }
    public float area() { return width * height; }
    public boolean hasKeypoints() { return keypoints.length >= 4; }
    public float keypointX(int k) { return keypoints[2 * k]; }
    public float keypointY(int k) { return keypoints[2 * k + 1]; }

    public FaceBox box(int frameWidth, int frameHeight) {
        return new FaceBox(Math.max(0, Math.round(x)), Math.max(0, Math.round(y)),
                Math.min(frameWidth, Math.round(x + width)), Math.min(frameHeight, Math.round(y + height)));
    }
}
