package io.lipdrop.lipsync.video;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YUV_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YUV2BGR_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A picture held as I420 gives BGR only where asked, equal to converting the whole frame there, and takes back only
 * the region a writer says it changed: every byte of the planes outside it stays as the decoder left it.
 */
class PictureTest {
    private static final int W = 64, H = 48;

    /** A colourful BGR frame with detail in every 2x2 block (chroma differs between neighbours). */
    private static Mat pattern() {
        Mat m = new Mat(H, W, CV_8UC3);
        try (UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    ix.put(y, x, 0, (x * 37 + y * 11) & 0xff);
                    ix.put(y, x, 1, (x * 5 + y * 29 + 40) & 0xff);
                    ix.put(y, x, 2, ((x ^ y) * 13 + 90) & 0xff);
                }
            }
        }
        return m;
    }

    private static Mat i420Of(Mat bgr) {
        Mat planes = new Mat();
        cvtColor(bgr, planes, COLOR_BGR2YUV_I420);
        return planes;
    }

    private static int differing(Mat a, Mat b) {
        try (Mat d = new Mat(); Mat flat = new Mat()) {
            absdiff(a, b, d);
            d.reshape(1, 0).copyTo(flat);
            return countNonZero(flat);
        }
    }

    @Test
    void aRegionInBgrIsWhatConvertingTheWholeFrameGivesThere() {
        try (Mat src = pattern(); Mat planes = i420Of(src); Mat whole = new Mat()) {
            cvtColor(planes, whole, COLOR_YUV2BGR_I420);
            try (Picture p = Picture.ofI420(planes.clone(), W, H)) {
                // odd corners are widened to even ones: the region asked for is inside what is converted
                Mat bgr = p.bgr(13, 7, 21, 19);
                try (Rect r = new Rect(13, 7, 21, 19); Mat got = bgr.apply(r); Mat want = whole.apply(r)) {
                    assertEquals(0, differing(got, want));
                }
                // a region past the frame's edge is clipped
                bgr = p.bgr(50, 40, 100, 100);
                try (Rect r = new Rect(50, 40, 14, 8); Mat got = bgr.apply(r); Mat want = whole.apply(r)) {
                    assertEquals(0, differing(got, want));
                }
                assertEquals(0, differing(p.bgr(), whole), "the whole frame");
            }
        }
    }

    @Test
    void onlyTheRegionAWriterNamesReachesThePlanes() {
        try (Mat src = pattern(); Mat planes = i420Of(src); Picture p = Picture.ofI420(planes.clone(), W, H)) {
            Mat bgr = p.bgr(20, 10, 20, 20);
            try (Point c = new Point(30, 20); Scalar red = new Scalar(20, 30, 220, 0)) {
                circle(bgr, c, 6, red, FILLED, 8, 0); // x 24..36, y 14..26
            }
            p.changed(20, 10, 20, 20);
            Mat out = p.i420(); // the picture's own
            // luma: byte for byte as decoded outside the region; inside it, the drawing, and elsewhere a level or two
            // of the round trip through BGR
            try (UByteIndexer got = out.createIndexer(); UByteIndexer was = planes.createIndexer()) {
                int outside = 0, drawn = 0, undrawn = 0;
                long moved = 0;
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        int d = Math.abs(got.get(y, x) - was.get(y, x));
                        boolean region = x >= 20 && x < 40 && y >= 10 && y < 30;
                        boolean circle = Math.hypot(x - 30, y - 20) <= 7;
                        if (!region && d != 0) outside++;
                        if (circle && d > 8) drawn++;
                        if (region && !circle) { moved += d; undrawn++; }
                    }
                }
                assertEquals(0, outside, "luma bytes changed outside the region");
                assertTrue(drawn > 50, "the drawing changed the luma: " + drawn);
                // this test card's saturated chroma is far harsher than skin: most pixels keep their value
                assertTrue(moved / (double) undrawn <= 3, "the round trip moved undrawn pixels by " + moved / (double) undrawn + " levels");
            }
            try (Mat back = new Mat()) {
                cvtColor(out, back, COLOR_YUV2BGR_I420);
                try (UByteIndexer b = back.createIndexer()) {
                    assertEquals(220, b.get(20, 30, 2), 12, "the drawing reaches the encoder (red)");
                    assertEquals(30, b.get(20, 30, 1), 12, "the drawing reaches the encoder (green)");
                }
            }
        }
    }

    @Test
    void aCopyIsIndependentAndABgrPictureIsConvertedForTheEncoder() {
        try (Mat src = pattern(); Mat planes = i420Of(src); Picture p = Picture.ofI420(planes.clone(), W, H);
             Picture q = p.copy()) {
            assertNotSame(p.i420(), q.i420());
            p.bgr();
            p.changed(0, 0, W, H);
            assertEquals(0, differing(q.i420(), planes), "the copy keeps its own planes");
        }
        try (Mat src = pattern(); Mat planes = i420Of(src); Picture p = Picture.ofBgr(src.clone())) {
            assertEquals(0, differing(p.i420(), planes));
            try (Point c = new Point(10, 10); Scalar white = new Scalar(255, 255, 255, 0)) {
                circle(p.bgr(), c, 4, white, FILLED, 8, 0);
            }
            p.changed(6, 6, 8, 8);
            assertTrue(differing(p.i420(), planes) > 0, "a change to a BGR picture reaches its planes");
        }
        try (Mat odd = new Mat(5, 7, CV_8UC3)) {
            assertThrows(IllegalArgumentException.class, () -> Picture.ofBgr(odd));
        }
    }

    @Test
    void theBuffersOfAClosedPictureGoToTheNextOne() {
        try (FrameBuffers buffers = new FrameBuffers(); Mat src = pattern(); Mat planes = i420Of(src)) {
            Mat first = buffers.take(H * 3 / 2, W, planes.type());
            planes.copyTo(first);
            long planesAt = first.data().address();
            Picture p = Picture.ofI420(first, W, H, buffers);
            long bgrAt = p.bgr(0, 0, 8, 8).data().address();
            p.close();
            p.close(); // twice: nothing given back twice
            assertEquals(2, buffers.idle(), "the planes and the BGR are kept");
            try (Picture q = Picture.ofI420(buffers.take(H * 3 / 2, W, planes.type()), W, H, buffers)) {
                assertEquals(planesAt, q.i420().data().address(), "the same planes");
                assertEquals(bgrAt, q.bgr(0, 0, 8, 8).data().address(), "the same BGR");
                try (Picture copy = q.copy()) {
                    assertEquals(W, copy.width());
                }
            }
            assertEquals(3, buffers.idle());
        }
    }
}
