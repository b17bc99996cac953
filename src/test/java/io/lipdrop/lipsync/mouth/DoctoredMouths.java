package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;

/**
 * Faces no speaker pulls while talking, painted onto real frames of a talking presenter at the face mesh's
 * landmarks: a tongue stuck out over the lower lip and chin, one mouth corner pulled up and sideways, the mouth
 * stretched wide. For tests that a template's grimaces never reach speech.
 */
final class DoctoredMouths {
    private DoctoredMouths() {}

    /**
     * A tongue stuck out between the lips, its tip {@code hang} eye spans below the lower lip: pink-red, rounded
     * across (lit in the middle, darker at the sides), a groove down its middle, in the upper lip's shadow where it
     * leaves the mouth, a highlight and fine texture; its edge anti-aliased and a soft shadow under its tip.
     */
    static void tongueOut(Mat bgr, FaceShape s, double hang, long seed) {
        LevelledFace f = new LevelledFace(s);
        double uc = (f.u(FaceShape.UPPER_LIP_INNER) + f.u(FaceShape.LOWER_LIP_INNER)) / 2;
        double half = 0.3 * Math.hypot(f.u(FaceShape.MOUTH_LEFT) - f.u(FaceShape.MOUTH_RIGHT), f.v(FaceShape.MOUTH_LEFT) - f.v(FaceShape.MOUTH_RIGHT));
        double tip = f.v(17) + hang, span = f.eyeSpanPixels();
        Random noise = new Random(seed);
        try (UByteIndexer px = bgr.createIndexer()) {
            int[] box = box(f, uc - half - 0.05, f.v(FaceShape.UPPER_LIP_INNER) - 0.05, uc + half + 0.05, tip + 0.06, bgr);
            for (int y = box[1]; y < box[3]; y++) for (int x = box[0]; x < box[2]; x++) {
                double[] uv = levelled(f, x, y);
                double top = f.along(TongueMeasure.UPPER_INNER, uv[0]);
                if (Double.isNaN(top)) top = f.v(FaceShape.UPPER_LIP_INNER);
                double yy = (uv[1] - top) / (tip - top), xx = (uv[0] - uc) / half;
                if (yy < 0) continue;
                // narrower where it leaves the lips, full below, a rounded tip
                double w = yy < 0.6 ? 0.85 + 0.15 * Math.min(1, yy / 0.4) : Math.sqrt(Math.max(0, 1 - Math.pow((Math.min(1, yy) - 0.6) / 0.4, 2)));
                double inside = yy <= 1 ? (w - Math.abs(xx)) * half * span // pixels inside the edge (negative: outside)
                        : -(yy - 1) * (tip - top) * span - Math.max(0, Math.abs(xx) - 0.3) * half * span;
                if (inside <= -1) {
                    // the tongue's soft shadow on the lip and chin, just outside its sides and tip
                    if (yy > 0.4 && inside > -0.04 * span) shade(px, y, x, 0.84 + 0.16 * (-inside / (0.04 * span)));
                    continue;
                }
                double alpha = Math.min(1, (inside + 1) / 2);
                double light = (0.72 + 0.28 * Math.sqrt(Math.max(0, 1 - xx * xx)))
                        * (0.55 + 0.45 * Math.min(1, yy / 0.3))                        // the upper lip's shadow
                        * (1 - 0.18 * Math.exp(-xx * xx / 0.01) * (yy < 0.85 ? 1 : 0)); // the groove
                double gloss = 45 * Math.exp(-(Math.pow(xx + 0.35, 2) + Math.pow(yy - 0.55, 2)) / 0.015);
                double grain = noise.nextGaussian() * 5;
                double[] rgb = {205, 98, 112};
                for (int c = 0; c < 3; c++) {
                    double tongue = Math.max(0, Math.min(255, rgb[2 - c] * light + gloss + grain));
                    px.put(y, x, c, (int) Math.round(alpha * tongue + (1 - alpha) * px.get(y, x, c)));
                }
            }
        }
    }

    /**
     * Lips twisted to one side: the mouth moved {@code out} eye spans towards the face's left (a Gaussian of 0.25 eye
     * spans across and 0.08 up and down about its centre, so the nose and chin stay) and its left corner pulled {@code up} (a Gaussian of 0.12 about the corner).
     */
    static void grimace(Mat bgr, FaceShape s, double out, double up) {
        LevelledFace f = new LevelledFace(s);
        double mu = (f.u(FaceShape.MOUTH_LEFT) + f.u(FaceShape.MOUTH_RIGHT)) / 2, mv = (f.v(FaceShape.MOUTH_LEFT) + f.v(FaceShape.MOUTH_RIGHT)) / 2;
        double cu = f.u(FaceShape.MOUTH_LEFT) + out, cv = f.v(FaceShape.MOUTH_LEFT) - up / 2;
        warp(bgr, f, (u, v) -> {
            double whole = Math.exp(-Math.pow(u - mu - out / 2, 2) / (2 * 0.25 * 0.25) - Math.pow(v - mv, 2) / (2 * 0.08 * 0.08));
            double corner = Math.exp(-(Math.pow(u - cu, 2) + Math.pow(v - cv, 2)) / (2 * 0.12 * 0.12));
            return new double[] {u - out * whole, v + up * corner};
        });
    }

    /** The mouth stretched sideways about its centre, by up to {@code k} (1 + k at its middle), fading within 0.1 eye spans above and below. */
    static void stretch(Mat bgr, FaceShape s, double k) {
        LevelledFace f = new LevelledFace(s);
        double uc = (f.u(FaceShape.MOUTH_LEFT) + f.u(FaceShape.MOUTH_RIGHT)) / 2, vc = (f.v(FaceShape.MOUTH_LEFT) + f.v(FaceShape.MOUTH_RIGHT)) / 2;
        warp(bgr, f, (u, v) -> {
            double g = Math.exp(-Math.pow(v - vc, 2) / (2 * 0.1 * 0.1) - Math.pow(u - uc, 2) / (2 * 0.5 * 0.5));
            return new double[] {uc + (u - uc) / (1 + k * g), v};
        });
    }

    private interface Field { double[] source(double u, double v); }

    /** Each pixel near the mouth takes the picture at {@code field}'s source point (levelled axes). */
    private static void warp(Mat bgr, LevelledFace f, Field field) {
        try (Mat mx = new Mat(bgr.rows(), bgr.cols(), CV_32F); Mat my = new Mat(bgr.rows(), bgr.cols(), CV_32F); Mat copy = bgr.clone()) {
            try (FloatIndexer ix = mx.createIndexer(); FloatIndexer iy = my.createIndexer()) {
                for (int y = 0; y < bgr.rows(); y++) for (int x = 0; x < bgr.cols(); x++) {
                    double[] uv = levelled(f, x, y), src = field.source(uv[0], uv[1]);
                    ix.put(y, x, (float) f.frameX(src[0], src[1]));
                    iy.put(y, x, (float) f.frameY(src[0], src[1]));
                }
            }
            try (Scalar none = new Scalar()) {
                remap(copy, bgr, mx, my, INTER_LINEAR, BORDER_REPLICATE, none);
            }
        }
    }

    private static double[] levelled(LevelledFace f, double x, double y) {
        // invert frameX/frameY: they are a rotation and a scale about the eyes' midpoint
        double ox = f.frameX(0, 0), oy = f.frameY(0, 0), span = f.eyeSpanPixels();
        double cos = (f.frameX(1, 0) - ox) / span, sin = (f.frameY(1, 0) - oy) / span;
        double dx = x - ox, dy = y - oy;
        return new double[] {(dx * cos + dy * sin) / span, (-dx * sin + dy * cos) / span};
    }

    private static int[] box(LevelledFace f, double u0, double v0, double u1, double v1, Mat m) {
        double[] xs = {f.frameX(u0, v0), f.frameX(u1, v0), f.frameX(u0, v1), f.frameX(u1, v1)};
        double[] ys = {f.frameY(u0, v0), f.frameY(u1, v0), f.frameY(u0, v1), f.frameY(u1, v1)};
        int x0 = (int) Math.floor(java.util.Arrays.stream(xs).min().orElseThrow()), x1 = (int) Math.ceil(java.util.Arrays.stream(xs).max().orElseThrow());
        int y0 = (int) Math.floor(java.util.Arrays.stream(ys).min().orElseThrow()), y1 = (int) Math.ceil(java.util.Arrays.stream(ys).max().orElseThrow());
        return new int[] {Math.max(0, x0), Math.max(0, y0), Math.min(m.cols(), x1), Math.min(m.rows(), y1)};
    }

    private static void shade(UByteIndexer px, int y, int x, double k) {
        for (int c = 0; c < 3; c++) px.put(y, x, c, (int) Math.round(px.get(y, x, c) * k));
    }
}
