package io.lipdrop.lipsync.mouth;

import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.bitwise_not;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

/**
 * Counts, from geometry alone (the paste's own map and the source frame's corners, not its masks), the pixels a paste changed whose picture came from
 * outside the source's real pixels: outside the source frame or outside the stored patch. Anything counted there
 * is invented (border replication, black fill) and must stay 0; the report carries the sum. A few cheap OpenCV
 * passes over the pasted region. Not thread-safe.
 */
final class PasteAudit implements AutoCloseable {
    private final Mat real = new Mat();
    private final Mat patchArea = new Mat();
    private final Mat changed = new Mat();
    private final Mat changedF = new Mat();
    private long pasted;
    private long outside;

    /**
     * @param mapX, mapY the patch position each pixel of the pasted region shows (CV_32F)
     * @param weight     the blend's final weight per pixel of the region (CV_32F), 0 where the frame is kept
     */
    void count(MouthEntry mouth, Mat mapX, Mat mapY, Mat weight) { count(mouth, mapX, mapY, weight, 1); }

    /**
     * The same on a paste's cells ({@link MaskGrid}): the maps and weights taken at the cells' centres, each cell
     * counting for its {@code cellPixels} pixels. The validity it checks fades out over tens of pixels, so an
     * invented strip narrower than a cell cannot get a weight.
     */
    void count(MouthEntry mouth, Mat mapX, Mat mapY, Mat weight, int cellPixels) {
        if (mouth.sourceCorners() == null) return;
        int w = mouth.patch().cols(), h = mouth.patch().rows();
        // the source's real pixels in the patch (its frame's quadrilateral), carried to the region by the paste's own
        // map: nearest, and beyond the patch 0, so a pixel that shows anything else counts
        patchArea.create(h, w, CV_8U);
        try (Scalar black = new Scalar(0)) { patchArea.put(black); }
        try (Mat pts = new Mat(4, 1, CV_32SC2); Scalar white = new Scalar(255, 255, 255, 255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int k = 0; k < 4; k++) {
                    p.put(k, 0, 0, (int) Math.round(mouth.sourceCorners()[2 * k]));
                    p.put(k, 0, 1, (int) Math.round(mouth.sourceCorners()[2 * k + 1]));
                }
            }
            fillConvexPoly(patchArea, pts, white, 8, 0);
        }
        try (Scalar none = new Scalar(0)) {
            remap(patchArea, real, mapX, mapY, INTER_NEAREST, BORDER_CONSTANT, none);
        }
        threshold(weight, changedF, 0, 255, THRESH_BINARY); // weight above 0: the paste shows there
        changedF.convertTo(changed, CV_8U);
        pasted += (long) cellPixels * countNonZero(changed);
        bitwise_not(real, real);
        bitwise_and(changed, real, changed);
        outside += (long) cellPixels * countNonZero(changed);
    }

    /** Pixels the pastes changed (weight above 0), summed over all pastes. */
    long pasted() { return pasted; }

    /** Of those, the ones whose source position lies outside the source's real pixels. */
    long outside() { return outside; }

    @Override
    public void close() {
        real.close();
        patchArea.close();
        changed.close();
        changedF.close();
    }
}
