package io.lipdrop.lipsync.face;

/**
 * The square, rotated region the face mesh looks at, as MediaPipe's face landmark graph defines it: centred on
 * the face, 1.5x its size, turned so the eyes are level. {@code angle} is the roll in radians (image coordinates).
 */
public record FaceRoi(float cx, float cy, float size, float angle) {
    static final float SCALE = 1.5f;

    /** From a BlazeFace detection: its box, levelled by its two eye keypoints. */
    public static FaceRoi of(FaceCandidate c) {
        double angle = c.hasKeypoints()
                ? Math.atan2(c.keypointY(FaceCandidate.LEFT_EYE) - c.keypointY(FaceCandidate.RIGHT_EYE),
                c.keypointX(FaceCandidate.LEFT_EYE) - c.keypointX(FaceCandidate.RIGHT_EYE))
                : 0;
        return new FaceRoi(c.centerX(), c.centerY(), Math.max(c.width(), c.height()) * SCALE, (float) angle);
    }

    /**
     * From the previous frame's landmarks (tracking without a detector): the face oval's extent measured along
     * the levelled axes, so a tilted head does not inflate the region.
     */
    public static FaceRoi of(FaceShape s) {
        double a = s.roll(), cos = Math.cos(a), sin = Math.sin(a);
        double minU = Double.MAX_VALUE, maxU = -Double.MAX_VALUE, minV = Double.MAX_VALUE, maxV = -Double.MAX_VALUE;
        for (int i : FaceShape.FACE_OVAL) {
            double u = s.x(i) * cos + s.y(i) * sin, v = -s.x(i) * sin + s.y(i) * cos;
            minU = Math.min(minU, u); maxU = Math.max(maxU, u); minV = Math.min(minV, v); maxV = Math.max(maxV, v);
        }
        double cu = (minU + maxU) / 2, cv = (minV + maxV) / 2;
        return new FaceRoi((float) (cu * cos - cv * sin), (float) (cu * sin + cv * cos),
                (float) (Math.max(maxU - minU, maxV - minV) * SCALE), (float) a);
    }

    /** Maps a point of the n x n crop (pixel units, continuous) to frame pixels. */
    public double[] toFrame(double u, double v, int n) {
        double k = size / n, cos = Math.cos(angle), sin = Math.sin(angle);
        double du = (u - n / 2.0) * k, dv = (v - n / 2.0) * k;
        return new double[] {cx + du * cos - dv * sin, cy + du * sin + dv * cos};
    }
}
