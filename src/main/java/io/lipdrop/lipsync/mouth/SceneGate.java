package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.MouthMask;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.Arrays;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.bitwise_not;
import static org.bytedeco.opencv.global.opencv_core.bitwise_or;
import static org.bytedeco.opencv.global.opencv_core.inRange;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.medianBlur;

/**
 * Paste skin, not the scene: narrows a library mouth's blend weight to the pixels where both frames show the
 * lower face's skin, so hair, hands or background over the jaw in this frame stay this frame's, and the source's
 * own hair beside or over its jaw (which moves from frame to frame) is not laid over this frame's skin as a
 * semi-transparent ghost.
 *
 * <p>A pixel passes where it lies inside both frames' lower-face outlines (their intersection: what lies beside
 * the source's jaw does not come along) and both this frame's pixel and the pasted one have the colour of their
 * own frame's skin: a box in YCrCb around the median of small windows on the cheeks and the chin, each frame
 * sampled on its own (the pasted one is not colour matched yet), so a lock of hair over one or two windows does
 * not move the model. Dark brown hair has nearly skin's chroma and differs in brightness, so the box's lower luma
 * bound is {@link #LUMA_LOW} of the skin's. The mouth and the chin below it (the hull of both frames' outer lips,
 * a little widened, and the hull of both frames' chin outline points) always pass, whatever their colour: red lips, teeth, a dark opening, and
 * the shade under a jaw that opens and closes with the speech. The colour mask is median-filtered (specks of hair
 * highlight), shrunk away from what is not skin and feathered by {@link #FEATHER} of the blend's own feather: soft,
 * but ending where the hair begins. A handful of OpenCV passes over the paste's region, on a grid as fine as the
 * feather needs ({@link MaskGrid}), reusing its images (no per-pixel Java loop). Not thread-safe.
 */
final class SceneGate implements AutoCloseable {
    /**
     * Skin's lower luma bound, a share of the sampled skin's median luma: dark brown hair lies at 0.1-0.3 of it and
     * stays out; shade on the jaw and under the lips stays in (at 0.55 the gate kept enough of the template's own
     * shaded open jaw that our talking astronaut's mouth read 0.45 of speech's opening in silence; 0.43 at 0.4,
     * main without a gate 0.40; the ghost figures of {@code SceneGateTest} are the same at both).
     */
    static final double LUMA_LOW = 0.4;
    /** Chroma (Cr, Cb) tolerance around the skin's median: at least this many levels, or 3 spreads of the samples. */
    static final double CHROMA_TOLERANCE = 14;
    /** The lips that always pass reach this share beyond the mesh's lip outline (from the lips' centre). */
    static final double LIPS_MARGIN = 0.15;
    /** The gate's feather, a share of the blend mask's ({@link MouthMask#featherPixels}). */
    static final double FEATHER = 0.35;
    /** Skin windows: beside the nostrils, on the lower cheeks, beside the mouth's corners (the chin is added). */
    private static final int[] CHEEKS = {205, 425, 207, 427, 214, 434, 216, 436};
    /** The outline points of the chin (JAW indices): the chin's front, from below one mouth corner's inside to the other's. */
    private static final int CHIN_FROM = 5, CHIN_TO = 9;

    private final Mat yccFrame = new Mat();
    private final Mat yccPaste = new Mat();
    private final Mat skin = new Mat();
    private final Mat skinPaste = new Mat();
    private final Mat inside = new Mat();
    private final Mat other = new Mat();
    private final Mat always = new Mat();
    private final Mat gateF = new Mat();
    private final Mat small = new Mat();
    private final Mat smallPaste = new Mat();
    private final Mat beard = new Mat();
    private final Mat jaw = new Mat();
    private final Mat scratch = new Mat();

    /**
     * Multiplies {@code maskF} (CV_32F, the region's size) in place by the gate.
     *
     * @param roi            this frame's pixels in the region (BGR)
     * @param warped         the source's lower face mapped onto the region (BGR), before colour matching
     * @param target         this frame's face (frame pixels)
     * @param x0             the region's left edge in the frame
     * @param y0             the region's top edge in the frame
     * @param sourceOutline  the source's lower-face outline mapped onto this frame ({@link MouthMask#outline} order,
     *                       x,y pairs, frame pixels)
     * @param targetOutline  this frame's own, the same way
     * @param sourceLips     the source's outer lips as placed on this frame (x,y pairs, frame pixels)
     */
    void gate(Mat roi, Mat warped, FaceShape target, int x0, int y0, double[] sourceOutline, double[] targetOutline,
              double[] sourceLips, Mat maskF) {
        MaskGrid g = grid(target, x0, y0, roi.cols(), roi.rows());
        g.down(roi, small);
        g.down(warped, smallPaste);
        g.up(onGrid(g, small, smallPaste, target, sourceOutline, targetOutline, sourceLips), gateF, scratch);
        multiply(maskF, gateF, maskF);
    }

    /**
     * The grid the gate is drawn on for a region at {@code x0, y0} of {@code width x height}: as fine as the gate's
     * own feather needs ({@link MaskGrid}); a selfie-sized face's colour tests, erosion and blur took 50 ms a frame
     * at full size.
     */
    static MaskGrid grid(FaceShape target, int x0, int y0, int width, int height) {
        return MaskGrid.of(feather(target), x0, y0, width, height);
    }

    /**
     * The gate on {@code g}'s cells (8-bit, 255 where the paste may show, feathered), from both pictures already
     * on that grid: {@code frame} this frame's, {@code paste} the source's lower face as mapped here (before colour
     * matching). Valid until the next call.
     */
    Mat onGrid(MaskGrid g, Mat frame, Mat paste, FaceShape target, double[] sourceOutline, double[] targetOutline,
               double[] sourceLips) {
        double sigma = feather(target);
        int rows = g.rows(), cols = g.cols();
        // where both outlines agree
        fresh(inside, rows, cols);
        fill(inside, g, sourceOutline, null);
        fresh(other, rows, cols);
        fill(other, g, targetOutline, null);
        bitwise_and(inside, other, inside);
        // where both frames show skin
        cvtColor(frame, yccFrame, COLOR_BGR2YCrCb);
        cvtColor(paste, yccPaste, COLOR_BGR2YCrCb);
        skinOf(yccFrame, target, g, skin);
        skinOf(yccPaste, target, g, skinPaste);
        // a beard: not skin in either frame, on the jaw below the mouth; it moves with the jaw, so the source's goes in
        // (keeping this frame's beard under a pasted open jaw doubled it on our own bearded, tilting head)
        bitwise_or(skin, skinPaste, beard);
        bitwise_not(beard, beard);
        fresh(jaw, rows, cols);
        fill(jaw, g, lowerFace(target), new double[][] {lowerFace(sourceLips, sourceOutline)});
        bitwise_and(beard, jaw, beard);
        bitwise_and(skin, skinPaste, skin);
        medianBlur(skin, skin, g.scale() == 1 ? 5 : 3); // specks of hair highlight (a coarse cell averages them already)
        // shrunk away from what is not skin by two feathers: the weight is ~0 (2%) where the hair begins (without it
        // the feather laid the lock's edges of other frames over the skin: ghost 7.6% and 5.6% instead of 1%)
        int in = Math.max(1, (int) Math.round(g.cells(2 * sigma)));
        try (Mat kernel = getStructuringElement(MORPH_ELLIPSE, new Size(2 * in + 1, 2 * in + 1)); Point anchor = new Point(-1, -1);
             Scalar beyond = new Scalar(255)) {
            erode(skin, skin, kernel, anchor, 1, BORDER_CONSTANT, beyond);
        }
        bitwise_or(skin, beard, skin);
        bitwise_and(skin, inside, skin); // not shrunk: the outlines' own edge is feathered by the blend's mask
        // the mouth and the chin below it always pass: both frames' lips (pushed out a little: the mesh's corners of
        // an open mouth fall short of its dark corners, which otherwise stayed beside the pasted mouth) and chins
        fresh(always, rows, cols);
        double[] lips = new double[2 * FaceShape.LIPS_OUTER.length];
        for (int k = 0; k < FaceShape.LIPS_OUTER.length; k++) {
            lips[2 * k] = target.x(FaceShape.LIPS_OUTER[k]);
            lips[2 * k + 1] = target.y(FaceShape.LIPS_OUTER[k]);
        }
        // two hulls, not one: a single hull of lips and chin took in the cheek beside the mouth's corner, and with it
        // the tip of a lock of hair lying there (ghost 2.7% of the covered skin on our own case)
        fill(always, g, widened(lips), new double[][] {widened(sourceLips)});
        fill(always, g, chin(sourceOutline), new double[][] {chin(targetOutline)});
        bitwise_or(skin, always, skin);
        double cells = Math.max(0.5, g.cells(sigma));
        int kernel = 2 * (int) Math.ceil(3 * cells) + 1;
        try (Size k = new Size(kernel, kernel)) {
            GaussianBlur(skin, skin, k, cells, cells, BORDER_CONSTANT, 0);
        }
        return skin;
    }

    /** The gate's feather on this face, in pixels: {@link #FEATHER} of the blend mask's. */
    private static double feather(FaceShape target) {
        return Math.max(1, FEATHER * MouthMask.featherPixels(target));
    }

    /** {@code count} points from {@code from} of separate coordinate arrays, as x,y pairs. */
    static double[] pairs(double[] xs, double[] ys, int from, int count) {
        double[] xy = new double[2 * count];
        for (int k = 0; k < count; k++) {
            xy[2 * k] = xs[from + k];
            xy[2 * k + 1] = ys[from + k];
        }
        return xy;
    }

    /** Lip points (x,y pairs) moved {@link #LIPS_MARGIN} of their distance from their centre outwards. */
    private static double[] widened(double[] xy) {
        int n = xy.length / 2;
        double cx = 0, cy = 0;
        for (int k = 0; k < n; k++) { cx += xy[2 * k] / n; cy += xy[2 * k + 1] / n; }
        double[] out = new double[xy.length];
        for (int k = 0; k < n; k++) {
            out[2 * k] = cx + (1 + LIPS_MARGIN) * (xy[2 * k] - cx);
            out[2 * k + 1] = cy + (1 + LIPS_MARGIN) * (xy[2 * k + 1] - cy);
        }
        return out;
    }

    /** Lower outer lip points of the lips (indices into {@link FaceShape#LIPS_OUTER}: from one corner under to the other). */
    private static final int LOWER_LIP_FROM = 10, LOWER_LIP_TO = 19;
    /** The jaw below the mouth (indices into {@link MouthMask#JAW}): where a beard lies. */
    private static final int JAW_FROM = 3, JAW_TO = 11;

    /** This frame's lower lip and jaw below the mouth, x,y pairs. */
    private static double[] lowerFace(FaceShape s) {
        double[] xy = new double[2 * (LOWER_LIP_TO - LOWER_LIP_FROM + 1 + JAW_TO - JAW_FROM + 1)];
        int k = 0;
        for (int i = LOWER_LIP_FROM; i <= LOWER_LIP_TO; i++) { xy[k++] = s.x(FaceShape.LIPS_OUTER[i]); xy[k++] = s.y(FaceShape.LIPS_OUTER[i]); }
        for (int i = JAW_FROM; i <= JAW_TO; i++) { xy[k++] = s.x(MouthMask.JAW[i]); xy[k++] = s.y(MouthMask.JAW[i]); }
        return xy;
    }

    /** The source's, from its lips (x,y pairs, {@link FaceShape#LIPS_OUTER} order) and its outline as placed here. */
    private static double[] lowerFace(double[] lips, double[] outline) {
        double[] xy = new double[2 * (LOWER_LIP_TO - LOWER_LIP_FROM + 1 + JAW_TO - JAW_FROM + 1)];
        int k = 0;
        for (int i = LOWER_LIP_FROM; i <= LOWER_LIP_TO; i++) { xy[k++] = lips[2 * i]; xy[k++] = lips[2 * i + 1]; }
        for (int i = JAW_FROM; i <= JAW_TO; i++) { xy[k++] = outline[2 * i]; xy[k++] = outline[2 * i + 1]; }
        return xy;
    }

    /** The chin's outline points (x,y pairs) of a lower-face outline. */
    private static double[] chin(double[] outline) {
        return Arrays.copyOfRange(outline, 2 * CHIN_FROM, 2 * (CHIN_TO + 1));
    }

    /**
     * Marks (255) the pixels of {@code ycc} with the colour of its own skin, sampled at this frame's cheek and chin
     * landmarks; all of them when there is nothing to sample.
     */
    private static void skinOf(Mat ycc, FaceShape s, MaskGrid g, Mat out) {
        int radius = Math.max(1, (int) Math.round(g.cells(Math.max(2, 0.03 * s.eyeSpan()))));
        int windows = CHEEKS.length + 1;
        double[][] means = new double[3][windows], spreads = new double[3][windows];
        int count = 0;
        for (int k = 0; k < windows; k++) {
            double cx = k < CHEEKS.length ? s.x(CHEEKS[k]) : (s.x(17) + s.x(FaceShape.CHIN)) / 2;
            double cy = k < CHEEKS.length ? s.y(CHEEKS[k]) : (s.y(17) + s.y(FaceShape.CHIN)) / 2;
            int x = (int) Math.round(g.x(cx)) - radius, y = (int) Math.round(g.y(cy)) - radius, side = 2 * radius + 1;
            if (x < 0 || y < 0 || x + side > ycc.cols() || y + side > ycc.rows()) continue;
            try (Rect r = new Rect(x, y, side, side); Mat window = ycc.apply(r); Mat mean = new Mat(); Mat sd = new Mat()) {
                meanStdDev(window, mean, sd);
                if (mean.getDoubleBuffer().get(0) < 8) continue; // black: outside the source's real pixels
                for (int c = 0; c < 3; c++) {
                    means[c][count] = mean.getDoubleBuffer().get(c);
                    spreads[c][count] = sd.getDoubleBuffer().get(c);
                }
                count++;
            }
        }
        out.create(ycc.rows(), ycc.cols(), CV_8U);
        if (count < 3) { // nothing to learn from: no colour gate
            try (Scalar white = new Scalar(255)) { out.put(white); }
            return;
        }
        double luma = median(means[0], count), cr = median(means[1], count), cb = median(means[2], count);
        double tCr = Math.max(CHROMA_TOLERANCE, 3 * median(spreads[1], count));
        double tCb = Math.max(CHROMA_TOLERANCE, 3 * median(spreads[2], count));
        try (Mat lo = new Mat(1, 1, CV_8UC3, new Scalar(LUMA_LOW * luma, cr - tCr, cb - tCb, 0));
             Mat hi = new Mat(1, 1, CV_8UC3, new Scalar(255, cr + tCr, cb + tCb, 0))) {
            inRange(ycc, lo, hi, out);
        }
    }

    private static double median(double[] v, int n) {
        double[] a = Arrays.copyOf(v, n);
        Arrays.sort(a);
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static void fresh(Mat m, int rows, int cols) {
        m.create(rows, cols, CV_8U);
        try (Scalar black = new Scalar(0)) { m.put(black); }
    }

    /** Fills the convex hull of the points {@code xy} (x,y pairs, frame pixels) and of {@code more}'s, on the grid. */
    private static void fill(Mat into, MaskGrid g, double[] xy, double[][] more) {
        int count = xy.length / 2, extra = 0;
        if (more != null) for (double[] m : more) extra += m.length / 2;
        try (Mat pts = new Mat(count + extra, 1, CV_32SC2); Mat hull = new Mat(); Scalar white = new Scalar(255, 255, 255, 255)) {
            try (IntIndexer p = pts.createIndexer()) {
                int row = 0;
                for (int k = 0; k < count; k++, row++) {
                    p.put(row, 0, 0, (int) Math.round(g.x(xy[2 * k])));
                    p.put(row, 0, 1, (int) Math.round(g.y(xy[2 * k + 1])));
                }
                if (more != null) for (double[] m : more) for (int k = 0; k < m.length / 2; k++, row++) {
                    p.put(row, 0, 0, (int) Math.round(g.x(m[2 * k])));
                    p.put(row, 0, 1, (int) Math.round(g.y(m[2 * k + 1])));
                }
            }
            convexHull(pts, hull);
            fillConvexPoly(into, hull, white, LINE_8, 0);
        }
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {yccFrame, yccPaste, skin, skinPaste, inside, other, always, gateF, small, smallPaste, scratch, beard, jaw}) m.close();
    }
}
