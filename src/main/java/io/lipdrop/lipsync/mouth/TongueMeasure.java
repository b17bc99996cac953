package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2Lab;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * How much lip-coloured flesh lies where a tongue stuck out would: from the upper lip's inner edge down to the chin
 * (where the mesh puts a tongue it sees: it moves the lower lip onto it), and in the band under the lower lip's outer
 * line (a tongue it does not follow). Read from the pixels in the face's levelled axes: a pixel is lip-like when it is
 * redder and pinker than the face's own skin (the cheeks beside the nose and mouth) by at least 55% of what its own
 * upper lip is (which a tongue does not cover), and at least {@link #MIN_RED}: pale lips are no excuse to count skin.
 * Dark pixels (the mouth's inside, a tongue at its back) are not counted. What is too much: {@link SpeechMouths}.
 */
final class TongueMeasure {
    static final int[] UPPER_OUTER = {61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291};
    static final int[] UPPER_INNER = {78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308};
    static final int[] LOWER_OUTER = {61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291};
    static final int[] CHEEKS = {205, 425, 207, 427};
    /** Pixels per eye span of the levelled crop the pixels are read in (about 6 on an upper lip). */
    static final double PIXELS = 80;
    /** Lip-like: at least this share of the upper lip's redness over the skin. */
    static final double LIP_LIKE = 0.55;
    /** Lip-like is at least this much redder than the skin (Lab units), however pale the lips. */
    static final double MIN_RED = 10;
    /** Lab L (8-bit) at or below this is the mouth's dark inside, not a tongue out in the light (L* 24). */
    static final int DARK = 60;

    private TongueMeasure() {}
    /**
     * Over the mouth's middle 60%: {share (0..1) of the band under the lower lip that is lip-like, median height
     * (eye spans) of the lip-like pixels in a column from the upper lip's inner edge to the chin}; zeros when the face
     * is too small or too odd to read.
     */
    static double[] measure(Mat frame, FaceShape s) {
        LevelledFace f = new LevelledFace(s);
        double uc = (f.u(FaceShape.MOUTH_RIGHT) + f.u(FaceShape.MOUTH_LEFT)) / 2;
        double half = Math.abs(f.u(FaceShape.MOUTH_LEFT) - f.u(FaceShape.MOUTH_RIGHT)) / 2;
        Crop crop = crop(f);
        if (crop == null) return new double[2];
        double u0 = crop.u0(), v0 = crop.v0(), chinGap = crop.chinGap();
        int cols = crop.cols(), rows = crop.rows();
        try (Mat lab = levelled(frame, f, u0, v0, cols, rows); UByteIndexer px = lab.createIndexer()) {
            double[] cheekU = new double[CHEEKS.length], cheekV = new double[CHEEKS.length];
            for (int k = 0; k < CHEEKS.length; k++) { cheekU[k] = f.u(CHEEKS[k]); cheekV[k] = f.v(CHEEKS[k]); }
            double[] skin = median(px, cols, rows, (u, v) -> {
                for (int k = 0; k < CHEEKS.length; k++) {
                    double du = u - cheekU[k], dv = v - cheekV[k];
                    if (du * du + dv * dv < 0.04 * 0.04) return true;
                }
                return false;
            }, u0, v0);
            // the upper lip's band per column, found once (along a polyline per pixel made this pass 2.6 ms a frame)
            double[] lipTop = new double[cols], lipBottom = new double[cols];
            for (int c = 0; c < cols; c++) {
                double u = u0 + (c + 0.5) / PIXELS;
                lipTop[c] = Double.NaN;
                if (Math.abs(u - uc) > 0.6 * half) continue;
                double top = f.along(UPPER_OUTER, u), bottom = f.along(UPPER_INNER, u), inset = 0.2 * (bottom - top);
                lipTop[c] = top + inset;
                lipBottom[c] = bottom - inset;
            }
            double[] lips = median(px, cols, rows, (u, v) -> {
                int c = (int) Math.floor((u - u0) * PIXELS);
                return c >= 0 && c < cols && !Double.isNaN(lipTop[c]) && v > lipTop[c] && v < lipBottom[c];
            }, u0, v0);
            if (skin == null || lips == null) return new double[2];
            double lipRed = redness(lips, skin[0], skin[1]), least = Math.max(MIN_RED, LIP_LIKE * lipRed);
            // per column of the mouth's middle: how many lip-like pixels lie between the upper lip's inner edge and
            // the chin (the lower lip, a tongue on it or inside the mouth), and how many of the band under the lower lip
            int band = 0, bandLike = 0;
            double chinV = f.v(FaceShape.CHIN);
            List<Double> heights = new ArrayList<>();
            for (int c = 0; c < cols; c++) {
                double u = u0 + (c + 0.5) / PIXELS;
                if (Math.abs(u - uc) > 0.6 * half) continue;
                double top = f.along(UPPER_INNER, u), edge = f.along(LOWER_OUTER, u);
                if (Double.isNaN(top) || Double.isNaN(edge)) continue;
                int like = 0;
                for (int r = 0; r < rows; r++) {
                    double v = v0 + (r + 0.5) / PIXELS;
                    if (v < top || v > chinV - 0.02) continue;
                    boolean red = redness(px.get(r, c, 1), px.get(r, c, 2), skin[0], skin[1]) >= least && px.get(r, c, 0) > DARK;
                    if (red) like++;
                    boolean inBand = v > edge + 0.06 && v < edge + 0.06 + 0.5 * chinGap;
                    if (inBand) { band++; if (red) bandLike++; }
                }
                heights.add(like / PIXELS);
            }
            if (heights.isEmpty()) return new double[2];
            Collections.sort(heights);
            return new double[] {band == 0 ? 0 : bandLike / (double) band, heights.get(heights.size() / 2)};
        }
    }

    /** How much redder and pinker than the skin a chroma is: along +a* and a little -b* (Lab units). */
    static double redness(double a, double b, double skinA, double skinB) { return 0.9 * (a - skinA) - 0.44 * (b - skinB); }

    private static double redness(double[] ab, double skinA, double skinB) { return redness(ab[0], ab[1], skinA, skinB); }

    /** The levelled crop measured: its top-left corner (eye spans), size (pixels), and the chin's distance below the lip. */
    private record Crop(double u0, double v0, int cols, int rows, double chinGap) { }

    /** The crop {@link #measure} reads, or null when the face is too small or too odd to read. */
    private static Crop crop(LevelledFace f) {
        // the band starts 0.06 eye spans under the lip's outer line (the lip's own red reaches 0.05 below it on the
        // astronaut and d14) and takes half the way to the chin (chinGap): where a stuck-out tongue hangs,
        // above the chin's shading
        double chinGap = f.v(FaceShape.CHIN) - f.v(17);
        double u0 = Math.min(f.u(205), f.u(FaceShape.MOUTH_RIGHT)) - 0.05, u1 = Math.max(f.u(425), f.u(FaceShape.MOUTH_LEFT)) + 0.05;
        double v0 = Math.min(f.v(205), f.v(2)) - 0.05, v1 = f.v(FaceShape.CHIN) + 0.02;
        int cols = (int) Math.ceil((u1 - u0) * PIXELS), rows = (int) Math.ceil((v1 - v0) * PIXELS);
        if (cols < 8 || rows < 8 || cols > 4 * PIXELS || rows > 4 * PIXELS || chinGap <= 0.05) return null;
        return new Crop(u0, v0, cols, rows, chinGap);
    }

    /**
     * The corners of the crop {@link #measure} reads, on the frame: x,y pairs (what it reads lies between them); empty
     * when it reads nothing.
     */
    static double[] frameCorners(FaceShape s) {
        LevelledFace f = new LevelledFace(s);
        Crop c = crop(f);
        if (c == null) return new double[0];
        double u1 = c.u0() + c.cols() / PIXELS, v1 = c.v0() + c.rows() / PIXELS;
        return new double[] {f.frameX(c.u0(), c.v0()), f.frameY(c.u0(), c.v0()), f.frameX(u1, c.v0()), f.frameY(u1, c.v0()),
                f.frameX(u1, v1), f.frameY(u1, v1), f.frameX(c.u0(), v1), f.frameY(c.u0(), v1)};
    }

    /** The frame around the mouth in levelled axes, {@link #PIXELS} to the eye span, as 8-bit Lab. */
    private static Mat levelled(Mat frame, LevelledFace f, double u0, double v0, int cols, int rows) {
        double k = f.eyeSpanPixels() / PIXELS;
        double ox = f.frameX(u0, v0), oy = f.frameY(u0, v0);
        double cos = (f.frameX(u0 + 1, v0) - ox) / f.eyeSpanPixels(), sin = (f.frameY(u0 + 1, v0) - oy) / f.eyeSpanPixels();
        Mat bgr = new Mat(), lab = new Mat();
        try (Mat toFrame = new Mat(2, 3, CV_64F); Size size = new Size(cols, rows); Scalar black = new Scalar(0, 0, 0, 0)) {
            try (DoubleIndexer m = toFrame.createIndexer()) {
                m.put(0, 0, cos * k); m.put(0, 1, -sin * k); m.put(0, 2, ox);
                m.put(1, 0, sin * k); m.put(1, 1, cos * k); m.put(1, 2, oy);
            }
            warpAffine(frame, bgr, toFrame, size, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT, black);
            cvtColor(bgr, lab, COLOR_BGR2Lab);
        } finally {
            bgr.close();
        }
        return lab;
    }

    private interface Region { boolean has(double u, double v); }

    /** Median a*, b* of the crop's pixels in the region (levelled axes); null when it holds none. */
    private static double[] median(UByteIndexer px, int cols, int rows, Region region, double u0, double v0) {
        int[] a = new int[cols * rows], b = new int[cols * rows];
        int n = 0;
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) {
            if (!region.has(u0 + (c + 0.5) / PIXELS, v0 + (r + 0.5) / PIXELS)) continue;
            a[n] = px.get(r, c, 1);
            b[n++] = px.get(r, c, 2);
        }
        if (n == 0) return null;
        Arrays.sort(a, 0, n);
        Arrays.sort(b, 0, n);
        return new double[] {a[n / 2], b[n / 2]};
    }
}
