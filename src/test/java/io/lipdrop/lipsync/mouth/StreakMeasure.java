package io.lipdrop.lipsync.mouth;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * The smear a patch leaves when it runs out of pixels and its last rows are stretched: vertical streaks. Among the
 * pixels the output changed (grey level differs by {@link #CHANGED} or more from its template frame), counts those
 * that sit in a streak (grey within {@link #FLAT} over {@link #RUN} rows down, yet a ridge or valley of
 * {@link #ACROSS} levels or more against the columns two pixels either side: texture across, which smooth shading
 * lacks), in the output and, at the same pixels, in the template.
 */
final class StreakMeasure {
    static final int CHANGED = 10, FLAT = 3, RUN = 6, ACROSS = 6;
    long changed, streakedOut, streakedTemplate;

    void add(Mat output, Mat template) {
        try (Mat a = new Mat(); Mat b = new Mat()) {
            cvtColor(output, a, COLOR_BGR2GRAY);
            cvtColor(template, b, COLOR_BGR2GRAY);
            try (UByteIndexer o = a.createIndexer(); UByteIndexer t = b.createIndexer()) {
                for (int y = 0; y + RUN <= a.rows(); y++) {
                    for (int x = 2; x < a.cols() - 2; x++) {
                        if (Math.abs(o.get(y, x) - t.get(y, x)) < CHANGED) continue;
                        changed++;
                        if (streak(o, x, y)) streakedOut++;
                        if (streak(t, x, y)) streakedTemplate++;
                    }
                }
            }
        }
    }

    /** For a look: template, output, and the output with its streaked changed pixels in red, side by side. */
    static void dump(Mat output, Mat template, Path png) {
        try (Mat a = new Mat(); Mat b = new Mat(); Mat marked = output.clone(); Mat row = new Mat()) {
            cvtColor(output, a, COLOR_BGR2GRAY);
            cvtColor(template, b, COLOR_BGR2GRAY);
            try (UByteIndexer o = a.createIndexer(); UByteIndexer t = b.createIndexer(); UByteIndexer m = marked.createIndexer()) {
                for (int y = 0; y + RUN <= a.rows(); y++) for (int x = 2; x < a.cols() - 2; x++) {
                    if (Math.abs(o.get(y, x) - t.get(y, x)) >= CHANGED && streak(o, x, y)) {
                        m.put(y, x, 0, 0);
                        m.put(y, x, 1, 0);
                        m.put(y, x, 2, 255);
                    }
                }
            }
            try (org.bytedeco.opencv.opencv_core.MatVector v = new org.bytedeco.opencv.opencv_core.MatVector(template, output, marked)) {
                org.bytedeco.opencv.global.opencv_core.hconcat(v, row);
            }
            org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(png.toString(), row);
        }
    }

    private static boolean streak(UByteIndexer g, int x, int y) {
        int lo = 255, hi = 0;
        for (int k = 0; k < RUN; k++) {
            int v = g.get(y + k, x);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // across: a ridge or a valley between the columns either side, not a smooth shading (which is flat too)
        return hi - lo <= FLAT && Math.abs(2 * g.get(y, x) - g.get(y, x - 2) - g.get(y, x + 2)) >= ACROSS;
    }

    /** Streaked share of the changed pixels in the output over the template's share at the same pixels. */
    double ratio() { return (streakedOut + 1.0) / (streakedTemplate + 1.0); }

    @Override
    public String toString() {
        return String.format("changed %d px, streaked %.4f (template at the same pixels %.4f), ratio %.2f", changed,
                streakedOut / Math.max(1.0, changed), streakedTemplate / Math.max(1.0, changed), ratio());
    }
}
