package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.MouthMask;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatExpr;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.inRange;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * Puts a library mouth on the current frame: the mouth's canonical patch is mapped onto this frame's face by its
 * eyes and nose ({@link MouthFrame}), so it follows the head; it replaces the lower face inside the union of this
 * frame's lower-face outline and the mouth's own (an open jaw reaches lower than a closed one), feathered, with
 * its colour matched to the frame's along the seam. Eyes and forehead are never touched. Not thread-safe.
 */
public final class MouthCompositor implements AutoCloseable {
    static final double BAND_LOW = 0.02, BAND_HIGH = 0.5;
    static final double MAX_COLOUR_SHIFT = 24;

    private final Mat warped = new Mat();
    private final Mat mask = new Mat();
    private final Mat maskF = new Mat();
    private final Mat mask3 = new Mat();
    private final Mat band = new Mat();
    private final Mat roiF = new Mat();
    private final Mat patchF = new Mat();
    private final Mat diff = new Mat();

    public void paste(MouthEntry mouth, Mat frame, FaceShape face) {
        int n = MouthMask.JAW.length + MouthMask.TOP.length;
        double[] xs = new double[2 * n], ys = new double[2 * n];
        try (Mat fromPatch = MouthFrame.fromPatch(face)) {
            // the library mouth's outline on this frame, then this frame's own
            for (int k = 0; k < n; k++) {
                double[] p = MouthFrame.apply(fromPatch, mouth.outline()[2 * k], mouth.outline()[2 * k + 1]);
                xs[k] = p[0];
                ys[k] = p[1];
            }
            double mx = face.mouthCenterX(), my = face.mouthCenterY();
            int k = n;
            for (int i : MouthMask.JAW) {
                xs[k] = face.x(i) + (face.x(i) - mx) * MouthMask.JAW_MARGIN;
                ys[k++] = face.y(i) + (face.y(i) - my) * MouthMask.JAW_MARGIN;
            }
            for (int i : MouthMask.TOP) { xs[k] = face.x(i); ys[k++] = face.y(i); }

            double sigma = MouthMask.featherPixels(face);
            double margin = 3 * sigma + 2;
            int x1 = clamp(min(xs) - margin, frame.cols()), y1 = clamp(min(ys) - margin, frame.rows());
            int x2 = clamp(max(xs) + margin, frame.cols()), y2 = clamp(max(ys) + margin, frame.rows());
            if (x2 - x1 < 4 || y2 - y1 < 4) return;
            try (Rect r = new Rect(x1, y1, x2 - x1, y2 - y1); Mat roi = frame.apply(r); Size size = new Size(r.width(), r.height())) {
                try (Mat shifted = fromPatch.clone(); DoubleIndexer ix = shifted.createIndexer()) {
                    ix.put(0, 2, ix.get(0, 2) - x1);
                    ix.put(1, 2, ix.get(1, 2) - y1);
                    try (Scalar none = new Scalar(0, 0, 0, 0)) {
                        warpAffine(mouth.patch(), warped, shifted, size, INTER_LINEAR, BORDER_REPLICATE, none);
                    }
                }
                mask.create(r.height(), r.width(), CV_8U);
                try (Scalar black = new Scalar(0)) { mask.put(black); }
                fill(xs, ys, 0, n, x1, y1);
                fill(xs, ys, n, n, x1, y1);
                int kernel = 2 * (int) Math.ceil(3 * sigma) + 1;
                try (Size k2 = new Size(kernel, kernel)) {
                    GaussianBlur(mask, mask, k2, sigma, sigma, BORDER_CONSTANT, 0);
                }
                mask.convertTo(maskF, CV_32F, 1 / 255.0, 0);
                matchSeamColour(roi);
                cvtColor(maskF, mask3, COLOR_GRAY2BGR);
                roi.convertTo(roiF, CV_32FC3);
                warped.convertTo(patchF, CV_32FC3);
                subtract(patchF, roiF, diff);
                multiply(diff, mask3, diff);
                add(roiF, diff, roiF);
                roiF.convertTo(roi, roi.type());
            }
        }
    }

    private void fill(double[] xs, double[] ys, int from, int count, int x0, int y0) {
        try (Mat pts = new Mat(count, 1, CV_32SC2); Mat hull = new Mat(); Scalar white = new Scalar(255, 255, 255, 255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int k = 0; k < count; k++) {
                    p.put(k, 0, 0, (int) Math.round(xs[from + k] - x0));
                    p.put(k, 0, 1, (int) Math.round(ys[from + k] - y0));
                }
            }
            convexHull(pts, hull);
            fillConvexPoly(mask, hull, white, LINE_AA, 0);
        }
    }

    /** The mouth's colour moved (at most {@link #MAX_COLOUR_SHIFT} levels) to the frame's in the feather band. */
    private void matchSeamColour(Mat roi) {
        try (Mat low = new Mat(1, 1, CV_32F, new Scalar(BAND_LOW)); Mat high = new Mat(1, 1, CV_32F, new Scalar(BAND_HIGH))) {
            inRange(maskF, low, high, band);
        }
        if (countNonZero(band) < 16) return;
        try (Scalar wanted = mean(roi, band); Scalar got = mean(warped, band)) {
            double[] shift = new double[3];
            for (int c = 0; c < 3; c++) shift[c] = Math.max(-MAX_COLOUR_SHIFT, Math.min(MAX_COLOUR_SHIFT, wanted.get(c) - got.get(c)));
            try (Scalar offset = new Scalar(shift[0], shift[1], shift[2], 0); MatExpr moved = add(warped, offset); Mat m = moved.asMat()) {
                m.copyTo(warped);
            }
        }
    }

    private static int clamp(double v, int limit) { return (int) Math.max(0, Math.min(limit, Math.round(v))); }
    private static double min(double[] v) { double m = Double.MAX_VALUE; for (double d : v) m = Math.min(m, d); return m; }
    private static double max(double[] v) { double m = -Double.MAX_VALUE; for (double d : v) m = Math.max(m, d); return m; }

    @Override
    public void close() {
        for (Mat m : new Mat[] {warped, mask, maskF, mask3, band, roiF, patchF, diff}) m.close();
    }
}
