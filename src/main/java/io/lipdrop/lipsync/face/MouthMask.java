package io.lipdrop.lipsync.face;

import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;

/**
 * The blend mask that follows the presenter's own lower face: the convex region from under the nose and the
 * cheeks beside the mouth down along the jaw to the chin, from the landmarks, feathered by a Gaussian whose
 * width scales with the mouth, so the seam falls on skin and moves with the face. Everything above the nose
 * (eyes, forehead) stays the template's. Rendered at the model's crop size and scaled up with the prediction:
 * the feather hides the difference and a 1080p face costs a fraction of a millisecond. Not thread-safe.
 */
public final class MouthMask implements AutoCloseable {
    /** The jaw from cheek to cheek through the chin. */
    public static final int[] JAW = {58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288};
    /** The upper edge: cheeks beside the nostrils and the base of the nose. */
    public static final int[] TOP = {205, 98, 2, 327, 425};
    /** Feather standard deviation as a share of the mouth's width. */
    static final double FEATHER = 0.12;
    /** The jaw points move this share of the mouth-to-point distance outwards, room for a jaw that opens wider. */
    public static final double JAW_MARGIN = 0.08;
    private final Mat small = new Mat();
    private final Mat points = new Mat(JAW.length + TOP.length, 1, CV_32SC2);
    private final Mat hull = new Mat();

    /**
     * The lower face's outline in frame pixels, x,y pairs: the jaw from cheek to cheek through the chin (moved
     * {@link #JAW_MARGIN} outwards from the mouth), then the cheeks beside the nostrils and the base of the nose.
     */
    public static double[] outline(FaceShape s) {
        double[] xy = new double[2 * (JAW.length + TOP.length)];
        double mx = s.mouthCenterX(), my = s.mouthCenterY();
        int k = 0;
        for (int i : JAW) {
            xy[k++] = s.x(i) + (s.x(i) - mx) * JAW_MARGIN;
            xy[k++] = s.y(i) + (s.y(i) - my) * JAW_MARGIN;
        }
        for (int i : TOP) {
            xy[k++] = s.x(i);
            xy[k++] = s.y(i);
        }
        return xy;
    }

    /** Feather width in frame pixels for this face (one standard deviation). */
    public static double featherPixels(FaceShape s) {
        return Math.max(1.0, FEATHER * s.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT));
    }

    /**
     * Renders the mask for {@code shape} over {@code box} (frame pixels) into {@code out}: CV_32F, {@code width} x
     * {@code height} (the box scaled to that size), 1 inside the lower face, 0 outside and at the box's edges, a
     * smooth feather between. Rendered at the model's size, the caller scales it to the box with the prediction.
     */
    public void render(FaceShape shape, FaceBox box, int width, int height, Mat out) {
        double sx = (double) width / box.width(), sy = (double) height / box.height();
        double feather = featherPixels(shape);
        double sigmaX = Math.max(0.5, feather * sx), sigmaY = Math.max(0.5, feather * sy);
        double[] outline = outline(shape);
        try (IntIndexer p = points.createIndexer()) {
            for (int k = 0; k < outline.length / 2; k++) {
                // keep the whole feather inside the box: the model's crop ends there
                put(p, k, (outline[2 * k] - box.x1()) * sx, (outline[2 * k + 1] - box.y1()) * sy, width, height,
                        2.5 * sigmaX, 2.5 * sigmaY);
            }
        }
        small.create(height, width, CV_8U);
        try (Scalar black = new Scalar(0)) { small.put(black); }
        convexHull(points, hull);
        try (Scalar white = new Scalar(255, 255, 255, 255)) {
            fillConvexPoly(small, hull, white, LINE_AA, 0);
        }
        try (Size k = new Size(2 * (int) Math.ceil(3 * sigmaX) + 1, 2 * (int) Math.ceil(3 * sigmaY) + 1)) {
            GaussianBlur(small, small, k, sigmaX, sigmaY, BORDER_CONSTANT, 0);
        }
        small.convertTo(out, CV_32F, 1 / 255.0, 0);
    }

    private static void put(IntIndexer p, int k, double x, double y, int w, int h, double insetX, double insetY) {
        p.put(k, 0, 0, (int) Math.round(Math.max(insetX, Math.min(w - 1 - insetX, x))));
        p.put(k, 0, 1, (int) Math.round(Math.max(insetY, Math.min(h - 1 - insetY, y))));
    }

    @Override
    public void close() {
        small.close();
        points.close();
        hull.close();
    }
}
