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
    private final Mat cellX = new Mat();
    private final Mat cellY = new Mat();
    private final Mat cellWarped = new Mat();
    private final Mat cellFrame = new Mat();
    private final Mat cellWeight = new Mat();
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

    /**
     * Pastes within {@code b} ({x, y, width, height}) of the BGR {@code frame}, valid there: pixel by pixel where
     * the face is small, on the scene gate's cells where it is large.
     */
    private void paste(MouthEntry mouth, PasteMesh.Placement placed, Outline o, int[] b, Mat frame, FaceShape face) {
        try (Rect r = new Rect(b[0], b[1], b[2], b[3]); Mat roi = frame.apply(r)) {
            MaskGrid cells = SceneGate.grid(face, b[0], b[1], b[2], b[3]);
            if (cells.scale() == 1) pasteByPixel(mouth, placed, o, b, roi, face);
            else pasteByCell(mouth, placed, o, cells, roi, face);
        }
    }

    /**
     * A large face's paste: what is smooth (the masks, the patch's validity, the scene gate, the colour measured
     * along the seam, the audit) is worked out on the gate's cells, as many pixels a side as its feather allows (6 on
     * a selfie-sized face at 1080x1920), and the mouth's picture is mapped and mixed at every pixel, only as far as
     * the weights reach. On that face (an 884x640 region) it took a paste from 25.0 to 16.4 ms of CPU; the
     * scene gate's and the seam's figures in their tests stay within a tenth of a percent.
     */
    private void pasteByCell(MouthEntry mouth, PasteMesh.Placement placed, Outline o, MaskGrid g, Mat roi, FaceShape face) {
        double[] xs = o.xs(), ys = o.ys();
        int n = o.n(), w = roi.cols(), h = roi.rows();
        // the pixels' map exactly (scaled up from the cells' it was off by several patch pixels where thin triangles
        // meet at a stretched mouth's corner: a speck there), the cells' at their centres
        mesh.maps(placed, g.x0(), g.y0(), w, h, mapX, mapY);
        mesh.maps(placed, g.x0(), g.y0(), g.scale(), g.cols(), g.rows(), cellX, cellY);
        try (Scalar none = new Scalar(0, 0, 0, 0)) {
            remap(mouth.patch(), warped, mapX, mapY, INTER_LINEAR, BORDER_CONSTANT, none);
            g.down(warped, cellWarped);
            remap(mouth.validity(), valid, cellX, cellY, INTER_LINEAR, BORDER_CONSTANT, none);
            // the union of both outlines, feathered, times the patch's validity and the scene gate: the weights
            mask.create(g.rows(), g.cols(), CV_8U);
            try (Scalar black = new Scalar(0)) { mask.put(black); }
            fill(g, xs, ys, 0, n);
            fill(g, xs, ys, n, n);
            blur(g, o.sigma());
            g.down(roi, cellFrame);
            Mat gated = gate.onGrid(g, cellFrame, cellWarped, face, SceneGate.pairs(xs, ys, 0, n), SceneGate.pairs(xs, ys, n, n), placed.lips());
            mask.convertTo(cellWeight, CV_32F, 1 / 255.0, 0);
            valid.convertTo(validF, CV_32F, 1 / 255.0, 0);
            multiply(cellWeight, validF, cellWeight);
            gated.convertTo(validF, CV_32F, 1 / 255.0, 0);
            multiply(cellWeight, validF, cellWeight);
            double[] shift = seam.colourShift(cellFrame, cellWarped, cellWeight);
            // only where the weights reach: beyond, the frame stays as it is (the region's feather margin is 0)
            int[] reach = g.upWeightsWhereAny(cellWeight, maskF);
            if (reach != null) {
                try (Rect box = new Rect(reach[0], reach[1], reach[2], reach[3]); Mat frameBox = roi.apply(box); Mat pasteBox = warped.apply(box)) {
                    if (shift != null) SeamBlend.shift(pasteBox, shift, pasteBox);
                    seam.mix(frameBox, pasteBox, maskF);
                }
            }
            audit.count(mouth, cellX, cellY, cellWeight, g.scale() * g.scale());
        }
    }

    /** The mask's Gaussian feather of {@code sigma} pixels, on {@code grid}'s cells. */
    private void blur(MaskGrid grid, double sigma) {
        double cells = grid.cells(sigma);
        int kernel = 2 * (int) Math.ceil(3 * cells) + 1;
        try (Size k2 = new Size(kernel, kernel)) {
            GaussianBlur(mask, mask, k2, cells, cells, BORDER_CONSTANT, 0);
        }
    }

    /** A small face's paste: every step at every pixel of the region (the gate on its own cells). */
    private void pasteByPixel(MouthEntry mouth, PasteMesh.Placement placed, Outline o, int[] b, Mat roi, FaceShape face) {
        double[] xs = o.xs(), ys = o.ys();
        int n = o.n();
        double sigma = o.sigma();
        int x1 = b[0], y1 = b[1], w = b[2], h = b[3];
        mesh.maps(placed, x1, y1, w, h, mapX, mapY);
        // nothing is replicated: beyond the patch is black, and the validity (0 there, and a margin before it)
        // keeps every pixel the source did not have out of the blend
        try (Scalar none = new Scalar(0, 0, 0, 0)) {
            remap(mouth.patch(), warped, mapX, mapY, INTER_LINEAR, BORDER_CONSTANT, none);
            remap(mouth.validity(), valid, mapX, mapY, INTER_LINEAR, BORDER_CONSTANT, none);
        }
        // the union of both outlines, feathered: drawn on a coarser grid where the face is large (MaskGrid)
        MaskGrid grid = MaskGrid.of(sigma, x1, y1, w, h);
        mask.create(grid.rows(), grid.cols(), CV_8U);
        try (Scalar black = new Scalar(0)) { mask.put(black); }
        fill(grid, xs, ys, 0, n);
        fill(grid, xs, ys, n, n);
        blur(grid, sigma);
        grid.up(mask, maskF, scratch);
        valid.convertTo(validF, CV_32F, 1 / 255.0, 0);
        multiply(maskF, validF, maskF);
        gate.gate(roi, warped, face, x1, y1, SceneGate.pairs(xs, ys, 0, n), SceneGate.pairs(xs, ys, n, n), placed.lips(), maskF);
        seam.matchColour(roi, warped, maskF);
        seam.mix(roi, warped, maskF);
        audit.count(mouth, mapX, mapY, maskF);
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
        for (Mat m : new Mat[] {warped, valid, validF, mask, maskF, scratch, mapX, mapY, cellX, cellY, cellWarped, cellFrame, cellWeight}) m.close();
        mesh.close();
        seam.close();
        audit.close();
        gate.close();
    }
}
