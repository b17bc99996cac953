package io.lipdrop.lipsync.face;

import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.inRange;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.blendLinear;

/**
 * How a new lower face goes into a frame without a seam: its colour is first shifted to the frame's where the
 * feathered mask lets both show (so skin tone does not step at the edge), by at most {@link #MAX_COLOUR_SHIFT}
 * levels (a model's tone drift is corrected, what it deliberately paints is not), then it is mixed in by the
 * mask. Used by the neural models' paste and by the mouth library. Not thread-safe: it reuses its scratch images.
 */
public final class SeamBlend implements AutoCloseable {
    /** The feather band where the seam colour is measured (mask values). */
    public static final double BAND_LOW = 0.02, BAND_HIGH = 0.5;
    /** Largest colour correction, in 8-bit levels per channel. */
    public static final double MAX_COLOUR_SHIFT = 24;

    private final Mat band = new Mat();
    private final Mat low = bound(BAND_LOW);
    private final Mat high = bound(BAND_HIGH);
    private final Mat inverse = new Mat();

    /**
     * Shifts {@code patch} (8-bit BGR, in place) towards {@code frame}'s colour in the feather band of {@code mask}
     * (CV_32F in [0,1]); all three the same size.
     */
    public void matchColour(Mat frame, Mat patch, Mat mask) {
        double[] shift = colourShift(frame, patch, mask);
        if (shift == null) return;
        shift(patch, shift, patch);
    }

    /**
     * The shift (B, G, R levels) that takes {@code patch}'s colour to {@code frame}'s in the feather band of
     * {@code mask} (CV_32F in [0,1]; all three the same size), at most {@link #MAX_COLOUR_SHIFT}; null when there is
     * no band to measure or nothing to move.
     */
    public double[] colourShift(Mat frame, Mat patch, Mat mask) {
        inRange(mask, low, high, band);
        if (countNonZero(band) < 16) return null;
        try (Scalar wanted = mean(frame, band); Scalar got = mean(patch, band)) {
            double[] shift = new double[3];
            boolean any = false;
            for (int c = 0; c < 3; c++) {
                shift[c] = Math.max(-MAX_COLOUR_SHIFT, Math.min(MAX_COLOUR_SHIFT, wanted.get(c) - got.get(c)));
                any |= Math.abs(shift[c]) >= 0.5;
            }
            return any ? shift : null;
        }
    }

    /** {@code out} = {@code picture} (8-bit BGR) + {@code shift}, saturated; in place when they are the same. */
    public static void shift(Mat picture, double[] shift, Mat out) {
        // a 4x1 CV_64F Mat is OpenCV's scalar operand: one pass, no temporary picture (the MatExpr's add and copy took
        // 1.3 ms a frame on an 884x640 lower face)
        try (Mat offset = new Mat(4, 1, CV_64F); DoubleIndexer o = offset.createIndexer()) {
            for (int c = 0; c < 4; c++) o.put(c, 0, c < 3 ? shift[c] : 0);
            add(picture, offset, out);
        }
    }

    /**
     * {@code frame} (8-bit BGR, in place) becomes frame + mask x (patch - frame); all three the same size. One
     * OpenCV pass on the 8-bit pictures (the float round trip it replaced took 15 ms a frame on a selfie-sized face
     * at 1080x1920).
     */
    public void mix(Mat frame, Mat patch, Mat mask) {
        mask.convertTo(inverse, CV_32F, -1, 1);
        blendLinear(patch, frame, mask, inverse, frame);
    }

    private static Mat bound(double v) {
        try (Scalar s = new Scalar(v)) {
            return new Mat(1, 1, CV_32F, s);
        }
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {band, low, high, inverse}) m.close();
    }
}
