package io.lipdrop.lipsync.mouth;

import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;

/**
 * Where a library patch holds real pixels of its source frame (CV_8U, 255 inside, 0 where the cut reached outside
 * the frame or the patch itself ends), feathered inwards: the paste multiplies its blend by it, so it fades out
 * before the real pixels end instead of showing a fill or a stretched last row (the streaks under the lip of a
 * head that tilts). {@link #MARGIN} pixels at the edge are 0, so bilinear sampling never reaches past the real
 * pixels either. A patch whose source frame covers it whole shares one mask ({@link #whole()}): no memory per mouth
 * for the common case.
 */
final class PatchValidity {
    /** Feather of the validity edge (patch pixels, one standard deviation): about a tenth of a mouth's width. */
    static final double SIGMA = 4;
    /** Zero band at the edge: the blur's reach (3 sigma) and one pixel for the paste's bilinear sampling, plus one. */
    static final int MARGIN = (int) Math.ceil(3 * SIGMA) + 2;
    private static Mat whole;

    private PatchValidity() {}

    /** The mask for a patch of {@code cols} x {@code rows} whose source frame has corners {@code corners}; null when whole. */
    static Mat of(float[] corners, int cols, int rows) {
        if (covers(corners, cols, rows)) return null;
        Mat m = new Mat(rows, cols, CV_8U);
        try (Scalar black = new Scalar(0)) { m.put(black); }
        try (Mat pts = new Mat(4, 1, CV_32SC2); Scalar white = new Scalar(255, 255, 255, 255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int k = 0; k < 4; k++) {
                    p.put(k, 0, 0, (int) Math.round(corners[2 * k]));
                    p.put(k, 0, 1, (int) Math.round(corners[2 * k + 1]));
                }
            }
            fillConvexPoly(m, pts, white, 8, 0);
        }
        feather(m);
        return m;
    }

    /** The shared mask of a patch its source covers whole (never closed). */
    static synchronized Mat whole() {
        if (whole == null) {
            Mat m = new Mat(MouthFrame.HEIGHT, MouthFrame.WIDTH, CV_8U);
            try (Scalar white = new Scalar(255)) { m.put(white); }
            feather(m);
            whole = m;
        }
        return whole;
    }

    /** Zero within {@link #MARGIN} of anything outside (the patch's own edge counts as outside), then blurred. */
    private static void feather(Mat m) {
        int r = MARGIN, k = 2 * (int) Math.ceil(3 * SIGMA) + 1;
        try (Mat kernel = getStructuringElement(MORPH_RECT, new Size(2 * r + 1, 2 * r + 1)); Point anchor = new Point(-1, -1);
             Scalar outside = new Scalar(0); Size blur = new Size(k, k)) {
            erode(m, m, kernel, anchor, 1, BORDER_CONSTANT, outside);
            GaussianBlur(m, m, blur, SIGMA, SIGMA, BORDER_CONSTANT, 0);
        }
    }

    /** True when every corner of the patch lies inside the source frame's quadrilateral (convex, either winding). */
    static boolean covers(float[] q, int cols, int rows) {
        double[][] patch = {{0, 0}, {cols - 1, 0}, {cols - 1, rows - 1}, {0, rows - 1}};
        for (double[] p : patch) {
            int sign = 0;
            for (int k = 0; k < 4; k++) {
                double ax = q[2 * k], ay = q[2 * k + 1], bx = q[(2 * k + 2) % 8], by = q[(2 * k + 3) % 8];
                double cross = (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax);
                int s = cross > 0 ? 1 : cross < 0 ? -1 : 0;
                if (s != 0 && sign != 0 && s != sign) return false;
                if (s != 0) sign = s;
            }
        }
        return true;
    }
}
