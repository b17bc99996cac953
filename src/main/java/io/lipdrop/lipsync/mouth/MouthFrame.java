package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;

/**
 * The canonical mouth frame: an affine map that puts a face's outer eye corners at (-0.5, 0) and (0.5, 0) and
 * the base of its nose at (0, 0.6), in units of the eye span. Three points that the mouth does not move, so a
 * mouth cut from one frame lands on another frame's face at the right place, size, roll and tilt, however the
 * lips themselves are set. Mouth patches are stored in this frame, {@link #PIXELS_PER_UNIT} pixels to the unit,
 * over {@link #LEFT}..{@link #RIGHT} x {@link #TOP}..{@link #BOTTOM}: everything a paste may replace (the lower
 * face's outline reaches about 1.5 below the eyes on a frontal face, its feather 0.2 further, and a head tilted
 * back or rolled stretches it further in this frame), so the paste never runs out of the patch; the old patch
 * ended at 1.55 and its last rows were stretched onto the chin.
 */
public final class MouthFrame {
    public static final double LEFT = -1.1, RIGHT = 1.1, TOP = 0.2, BOTTOM = 2.2;
    public static final int PIXELS_PER_UNIT = 96;
    public static final int WIDTH = (int) Math.round((RIGHT - LEFT) * PIXELS_PER_UNIT);
    public static final int HEIGHT = (int) Math.round((BOTTOM - TOP) * PIXELS_PER_UNIT);
    static final int NOSE = 2;

    private MouthFrame() {}

    /** True when the eyes and the nose span a triangle, so the canonical frame exists. */
    public static boolean regular(FaceShape s) {
        double ax = s.x(FaceShape.LEFT_EYE_OUTER) - s.x(FaceShape.RIGHT_EYE_OUTER), ay = s.y(FaceShape.LEFT_EYE_OUTER) - s.y(FaceShape.RIGHT_EYE_OUTER);
        double bx = s.x(NOSE) - s.x(FaceShape.RIGHT_EYE_OUTER), by = s.y(NOSE) - s.y(FaceShape.RIGHT_EYE_OUTER);
        return Math.abs(ax * by - ay * bx) > 1e-3 * (ax * ax + ay * ay);
    }

    /** 2x3 affine: frame pixels -> patch pixels. */
    public static Mat toPatch(FaceShape s) {
        double[] src = {s.x(FaceShape.RIGHT_EYE_OUTER), s.y(FaceShape.RIGHT_EYE_OUTER), s.x(FaceShape.LEFT_EYE_OUTER),
                s.y(FaceShape.LEFT_EYE_OUTER), s.x(NOSE), s.y(NOSE)};
        double[] dst = {px(-0.5), py(0), px(0.5), py(0), px(0), py(0.6)};
        return affine(src, dst);
    }

    /** 2x3 affine: patch pixels -> frame pixels. */
    public static Mat fromPatch(FaceShape s) {
        double[] src = {px(-0.5), py(0), px(0.5), py(0), px(0), py(0.6)};
        double[] dst = {s.x(FaceShape.RIGHT_EYE_OUTER), s.y(FaceShape.RIGHT_EYE_OUTER), s.x(FaceShape.LEFT_EYE_OUTER),
                s.y(FaceShape.LEFT_EYE_OUTER), s.x(NOSE), s.y(NOSE)};
        return affine(src, dst);
    }

    static double px(double u) { return (u - LEFT) * PIXELS_PER_UNIT; }
    static double py(double v) { return (v - TOP) * PIXELS_PER_UNIT; }

    /** The affine map taking the three points src to dst (exactly). */
    static Mat affine(double[] src, double[] dst) {
        // solve [x y 1] * A^T = [x' y'] for the three points: a 3x3 system per output coordinate
        double[][] m = {{src[0], src[1], 1}, {src[2], src[3], 1}, {src[4], src[5], 1}};
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        if (Math.abs(det) < 1e-9) throw new IllegalArgumentException("degenerate face landmarks");
        Mat a = new Mat(2, 3, CV_64F);
        try (DoubleIndexer ix = a.createIndexer()) {
            for (int row = 0; row < 2; row++) {
                double[] b = {dst[row], dst[2 + row], dst[4 + row]};
                for (int col = 0; col < 3; col++) {
                    double[][] c = {m[0].clone(), m[1].clone(), m[2].clone()};
                    for (int r = 0; r < 3; r++) c[r][col] = b[r];
                    double d = c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0])
                            + c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0]);
                    ix.put(row, col, d / det);
                }
            }
        }
        return a;
    }

    /** The corners of a patch cut from this face, on the frame: x,y pairs (what the cut reads lies between them). */
    static double[] frameCorners(FaceShape s) {
        double[] xy = new double[8];
        try (Mat from = fromPatch(s)) {
            double[][] corners = {{0, 0}, {WIDTH, 0}, {WIDTH, HEIGHT}, {0, HEIGHT}};
            for (int k = 0; k < 4; k++) System.arraycopy(apply(from, corners[k][0], corners[k][1]), 0, xy, 2 * k, 2);
        }
        return xy;
    }

    /** Applies a 2x3 affine to a point. */
    static double[] apply(Mat a, double x, double y) {
        try (DoubleIndexer ix = a.createIndexer()) {
            return new double[] {ix.get(0, 0) * x + ix.get(0, 1) * y + ix.get(0, 2), ix.get(1, 0) * x + ix.get(1, 1) * y + ix.get(1, 2)};
        }
    }
}
