package io.lipdrop.lipsync.mouth;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.FloatBuffer;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * The coarser grid a paste's smooth masks are drawn on: {@code scale} x {@code scale} pixels of the region (at
 * {@code x0, y0}, {@code width x height}) to a cell, chosen so the masks' feathers stay at least {@link #CELLS}
 * cells wide. The masks are Gaussian-feathered by a tenth of the mouth's width, so nothing in them is finer than
 * the grid: drawn there and scaled up they are the same to a level, at a fraction of the cost (a selfie-sized face
 * at 1080x1920 has a 36-pixel feather: the blend mask's blur took 110 ms a frame at full size). A scale of 1 is the
 * region itself. Cells cover whole pixels (the last partial row and column of the region are left at 0: they lie
 * beyond the blend's reach).
 */
record MaskGrid(int scale, int x0, int y0, int width, int height) {
    /** The narrowest feather, in cells. */
    static final double CELLS = 2;

    static MaskGrid of(double feather, int x0, int y0, int width, int height) {
        return new MaskGrid(Math.max(1, (int) Math.floor(feather / CELLS)), x0, y0, width, height);
    }

    int cols() { return Math.max(1, width / scale); }
    int rows() { return Math.max(1, height / scale); }

    /** A frame position in grid cells (cell centres at whole numbers, as the scaling up reads them). */
    double x(double frameX) { return (frameX - x0 + 0.5) / scale - 0.5; }
    double y(double frameY) { return (frameY - y0 + 0.5) / scale - 0.5; }

    /** A length in cells. */
    double cells(double pixels) { return pixels / scale; }

    /** The region's picture averaged into the grid. */
    void down(Mat region, Mat out) {
        if (scale == 1) { region.copyTo(out); return; }
        try (Rect whole = new Rect(0, 0, cols() * scale, rows() * scale); Mat part = region.apply(whole); Size size = new Size(cols(), rows())) {
            resize(part, out, size, 0, 0, INTER_AREA);
        }
    }

    /** A grid mask (8-bit, 0..255) as the region's weights, CV_32F in [0, 1]. */
    void up(Mat grid, Mat out, Mat scratch) {
        if (scale == 1) { grid.convertTo(out, CV_32F, 1 / 255.0, 0); return; }
        try (Size size = new Size(cols() * scale, rows() * scale)) {
            resize(grid, scratch, size, 0, 0, INTER_LINEAR);
        }
        out.create(height, width, CV_32F);
        try (Scalar none = new Scalar(0)) { out.put(none); }
        try (Rect cover = new Rect(0, 0, cols() * scale, rows() * scale); Mat into = out.apply(cover)) {
            scratch.convertTo(into, CV_32F, 1 / 255.0, 0);
        }
    }

    /**
     * Grid weights (CV_32F in [0, 1], scale above 1) scaled up over the pixels they reach, into {@code out}: the box
     * of the cells above 0 and one cell more each side (as far as the bilinear scaling spreads them; that cell's 0
     * also stands for the border, so the pixels equal those of the whole grid scaled up). Returns that box in the region's
     * pixels ({x, y, width, height}), or null when every weight is 0.
     */
    int[] upWeightsWhereAny(Mat grid, Mat out) {
        int cols = cols(), rows = rows(), c0 = cols, c1 = -1, r0 = rows, r1 = -1;
        float[] row = new float[cols];
        FloatBuffer cells = grid.createBuffer();
        for (int r = 0; r < rows; r++) {
            cells.position(r * cols);
            cells.get(row);
            for (int c = 0; c < cols; c++) {
                if (row[c] > 0) {
                    c0 = Math.min(c0, c); c1 = Math.max(c1, c);
                    r0 = Math.min(r0, r); r1 = Math.max(r1, r);
                }
            }
        }
        if (c1 < 0) return null;
        c0 = Math.max(0, c0 - 1); r0 = Math.max(0, r0 - 1);
        c1 = Math.min(cols - 1, c1 + 1); r1 = Math.min(rows - 1, r1 + 1);
        int w = c1 - c0 + 1, h = r1 - r0 + 1;
        try (Rect box = new Rect(c0, r0, w, h); Mat part = grid.apply(box); Size size = new Size(w * scale, h * scale)) {
            resize(part, out, size, 0, 0, INTER_LINEAR);
        }
        return new int[] {c0 * scale, r0 * scale, w * scale, h * scale};
    }
}
