package io.lipdrop.lipsync.face;

import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * The blend mask that follows the presenter's own lower face: the convex region from under the nose and the
 * cheeks beside the mouth down along the jaw to the chin, from the landmarks, feathered by a Gaussian whose
 * width scales with the mouth, so the seam falls on skin and moves with the face. Everything above the nose
 * (eyes, forehead) stays the template's. Rendered at a reduced size and scaled up: the feather hides the
 * difference and a 1080p face costs a fraction of a millisecond. Not thread-safe.
 */
public final class MouthMask implements AutoCloseable {
    /** The jaw from cheek to cheek through the chin. */
    static final int[] JAW = {58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288};
    /** The upper edge: cheeks beside the nostrils and the base of the nose. */
    static final int[] TOP = {205, 98, 2, 327, 425};
    /** Feather standard deviation as a share of the mouth's width. */
    static final double FEATHER = 0.12;
    /** The jaw points move this share of the mouth-to-point distance outwards, room for a jaw that opens wider. */
    static final double JAW_MARGIN = 0.08;
    private static final int MAX_SIDE = 160;

    private final Mat small = new Mat();
    private final Mat points = new Mat(JAW.length + TOP.length, 1, CV_32SC2);
    private final Mat hull = new Mat();

    /** Feather width in frame pixels for this face (one standard deviation). */
    public static double featherPixels(FaceShape s) {
        return Math.max(1.0, FEATHER * s.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT));
    }

    /**
     * Renders the mask for {@code shape} over {@code box} (frame pixels) into {@code out}: CV_32F, box-sized,
     * 1 inside the lower face, 0 outside and at the box's edges, a smooth feather between.
     */
    public void render(FaceShape shape, FaceBox box, Mat out) {
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(box.width(), box.height()));
        int w = Math.max(2, (int) Math.round(box.width() * scale)), h = Math.max(2, (int) Math.round(box.height() * scale));
        double sigma = featherPixels(shape) * scale;
        // keep the whole feather inside the box: the model's crop ends there
        double inset = 2.5 * sigma;
        double mx = shape.mouthCenterX(), my = shape.mouthCenterY();
        try (IntIndexer p = points.createIndexer()) {
            int k = 0;
            for (int i : JAW) {
                double x = shape.x(i) + (shape.x(i) - mx) * JAW_MARGIN, y = shape.y(i) + (shape.y(i) - my) * JAW_MARGIN;
                put(p, k++, (x - box.x1()) * scale, (y - box.y1()) * scale, w, h, inset);
            }
            for (int i : TOP) put(p, k++, (shape.x(i) - box.x1()) * scale, (shape.y(i) - box.y1()) * scale, w, h, inset);
        }
        small.create(h, w, CV_8U);
        small.put(new Scalar(0));
        convexHull(points, hull);
        try (Scalar white = new Scalar(255, 255, 255, 255)) {
            fillConvexPoly(small, hull, white, LINE_AA, 0);
        }
        int kernel = 2 * (int) Math.ceil(3 * sigma) + 1;
        try (Size k = new Size(kernel, kernel)) {
            GaussianBlur(small, small, k, sigma);
        }
        try (Size size = new Size(box.width(), box.height())) {
            small.convertTo(small, CV_32F, 1 / 255.0, 0);
            resize(small, out, size, 0, 0, INTER_LINEAR);
        }
    }

    private static void put(IntIndexer p, int k, double x, double y, int w, int h, double inset) {
        p.put(k, 0, 0, (int) Math.round(Math.max(inset, Math.min(w - 1 - inset, x))));
        p.put(k, 0, 1, (int) Math.round(Math.max(inset, Math.min(h - 1 - inset, y))));
    }

    @Override
    public void close() {
        small.close();
        points.close();
        hull.close();
    }
}
