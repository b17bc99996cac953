package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.MouthMask;
import io.lipdrop.lipsync.face.SeamBlend;
import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;

/**
 * Puts a library mouth on the current frame: the mouth's canonical patch is mapped onto this frame's face by a
 * triangle warp that turns with the head ({@link PasteMesh}): the still points of the face land on this frame's, the
 * mouth and jaw keep the source's shape in this frame's pose. It replaces skin, not the scene: the lower face
 * within both frames' lower-face outlines (the mouth's own as placed here, and this frame's), where both pixels
 * have their face's skin colour, the lips and chin always ({@link SceneGate}), feathered, with its colour matched
 * to the frame's along the seam, and only where the mouth's patch holds real pixels of its source
 * ({@link PatchValidity}). Eyes and forehead are never touched. Not thread-safe.
 */
public final class MouthCompositor implements AutoCloseable {
    private final Mat warped = new Mat();
    private final Mat valid = new Mat();
    private final Mat validF = new Mat();
    private final Mat mask = new Mat();
    private final Mat maskF = new Mat();
    private final Mat scratch = new Mat();
    private final Mat mapX = new Mat();
    private final Mat mapY = new Mat();
    private final PasteMesh mesh = new PasteMesh();
    private final SeamBlend seam = new SeamBlend();
    private final PasteAudit audit = new PasteAudit();
    private final SceneGate gate = new SceneGate();

    /** Both outlines (the library mouth's placed on this frame, then this frame's own) and the feather around them. */
    private record Outline(double[] xs, double[] ys, int n, double sigma, double margin) {
        int[] bounds(int cols, int rows) {
            int x1 = clamp(min(xs) - margin, cols), y1 = clamp(min(ys) - margin, rows);
            int x2 = clamp(max(xs) + margin, cols), y2 = clamp(max(ys) + margin, rows);
            return x2 - x1 < 4 || y2 - y1 < 4 ? null : new int[] {x1, y1, x2 - x1, y2 - y1};
        }
    }

    private static Outline outline(PasteMesh.Placement placed, FaceShape face) {
        int n = MouthMask.JAW.length + MouthMask.TOP.length;
        double[] xs = new double[2 * n], ys = new double[2 * n];
        double[] src = placed.outline(), own = MouthMask.outline(face);
        for (int k = 0; k < n; k++) {
            xs[k] = src[2 * k];
            ys[k] = src[2 * k + 1];
            xs[n + k] = own[2 * k];
            ys[n + k] = own[2 * k + 1];
        }
        double sigma = MouthMask.featherPixels(face);
        return new Outline(xs, ys, n, sigma, 3 * sigma + 2);
    }

    /**
     * Pastes {@code mouth} on the picture's face: only the region the mouth and its feather cover is converted to BGR,
     * changed and converted back.
     */
    public void paste(MouthEntry mouth, Picture picture, FaceShape face) {
        PasteMesh.Placement placed = mesh.place(mouth, face);
        Outline o = outline(placed, face);
        int[] b = o.bounds(picture.width(), picture.height());
        if (b == null) return;
        paste(mouth, placed, o, b, picture.bgr(b[0], b[1], b[2], b[3]), face);
        picture.changed(b[0], b[1], b[2], b[3]);
    }

    /** Pastes within {@code b} ({x, y, width, height}) of the BGR {@code frame}, valid there. */
    private void paste(MouthEntry mouth, PasteMesh.Placement placed, Outline o, int[] b, Mat frame, FaceShape face) {
        double[] xs = o.xs(), ys = o.ys();
        int n = o.n();
        double sigma = o.sigma();
        int x1 = b[0], y1 = b[1], x2 = b[0] + b[2], y2 = b[1] + b[3];
        try (Rect r = new Rect(x1, y1, x2 - x1, y2 - y1); Mat roi = frame.apply(r)) {
            mesh.maps(placed, x1, y1, r.width(), r.height(), mapX, mapY);
            // nothing is replicated: beyond the patch is black, and the validity (0 there, and a margin before it)
            // keeps every pixel the source did not have out of the blend
            try (Scalar none = new Scalar(0, 0, 0, 0)) {
                remap(mouth.patch(), warped, mapX, mapY, INTER_LINEAR, BORDER_CONSTANT, none);
                remap(mouth.validity(), valid, mapX, mapY, INTER_LINEAR, BORDER_CONSTANT, none);
            }
            // the union of both outlines, feathered: drawn on a coarser grid where the face is large (MaskGrid)
            MaskGrid grid = MaskGrid.of(sigma, x1, y1, r.width(), r.height());
            mask.create(grid.rows(), grid.cols(), CV_8U);
            try (Scalar black = new Scalar(0)) { mask.put(black); }
            fill(grid, xs, ys, 0, n);
            fill(grid, xs, ys, n, n);
            double cells = grid.cells(sigma);
            int kernel = 2 * (int) Math.ceil(3 * cells) + 1;
            try (Size k2 = new Size(kernel, kernel)) {
                GaussianBlur(mask, mask, k2, cells, cells, BORDER_CONSTANT, 0);
            }
            grid.up(mask, maskF, scratch);
            valid.convertTo(validF, CV_32F, 1 / 255.0, 0);
            multiply(maskF, validF, maskF);
            gate.gate(roi, warped, face, x1, y1, SceneGate.pairs(xs, ys, 0, n), SceneGate.pairs(xs, ys, n, n), placed.lips(), maskF);
            seam.matchColour(roi, warped, maskF);
            seam.mix(roi, warped, maskF);
            audit.count(mouth, mapX, mapY, maskF);
        }
    }

    /** Pixels the pastes changed so far, and how many of them came from outside the source's real pixels. */
    public long pastedPixels() { return audit.pasted(); }
    public long pastedOutsideSource() { return audit.outside(); }

    private void fill(MaskGrid grid, double[] xs, double[] ys, int from, int count) {
        try (Mat pts = new Mat(count, 1, CV_32SC2); Mat hull = new Mat(); Scalar white = new Scalar(255, 255, 255, 255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int k = 0; k < count; k++) {
                    p.put(k, 0, 0, (int) Math.round(grid.x(xs[from + k])));
                    p.put(k, 0, 1, (int) Math.round(grid.y(ys[from + k])));
                }
            }
            convexHull(pts, hull);
            fillConvexPoly(mask, hull, white, LINE_AA, 0);
        }
    }

    private static int clamp(double v, int limit) { return (int) Math.max(0, Math.min(limit, Math.round(v))); }
    private static double min(double[] v) { double m = Double.MAX_VALUE; for (double d : v) m = Math.min(m, d); return m; }
    private static double max(double[] v) { double m = -Double.MAX_VALUE; for (double d : v) m = Math.max(m, d); return m; }

    @Override
    public void close() {
        for (Mat m : new Mat[] {warped, valid, validF, mask, maskF, scratch, mapX, mapY}) m.close();
        mesh.close();
        seam.close();
        audit.close();
        gate.close();
    }
}
