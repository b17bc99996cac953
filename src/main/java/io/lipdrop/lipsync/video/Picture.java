package io.lipdrop.lipsync.video;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YUV_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YUV2BGR_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * One frame on its way from the decoder to the encoder, held as both codecs want it: yuv420p (I420) planes.
 * The face stage and the mouth work in BGR, but only on the presenter's face, a small part of the picture: they
 * ask for BGR in a region ({@link #bgr(int, int, int, int)}), which is converted there only, and say where they
 * changed it ({@link #changed}), which is converted back there only. The rest of the frame goes from the decoder to
 * the encoder untouched: no colour conversion of the whole frame either way, and half the bytes of BGR to copy.
 *
 * <p>A picture made from BGR ({@link #ofBgr}: a test's, or a photo before its first frame) is converted to I420 once,
 * when the encoder asks for it. Writers say what they changed before anyone asks for BGR again; a picture belongs
 * to one pipeline stage at a time.
 */
public final class Picture implements AutoCloseable {
    private final int width;
    private final int height;
    private final boolean yuvMaster;   // the I420 planes are the picture; BGR is a partial, derived view
    private final boolean ownsBgr;     // false for a view of someone else's BGR Mat
    private final FrameBuffers buffers; // where the buffers come from and go back to; null: allocated and freed here
    private Mat i420;                  // (height * 3/2) x width, one channel: Y, then U, then V, rows packed
    private Mat bgr;                   // height x width BGR: valid inside `valid`, or everywhere when bgrWhole
    private boolean bgrWhole;
    private boolean i420Current;       // for a BGR picture: false until converted, and again after a change
    private final List<int[]> valid = new ArrayList<>(2);

    private Picture(int width, int height, boolean yuvMaster, Mat i420, Mat bgr) {
        this(width, height, yuvMaster, i420, bgr, true, null);
    }

    private Picture(int width, int height, boolean yuvMaster, Mat i420, Mat bgr, boolean ownsBgr, FrameBuffers buffers) {
        this.width = width;
        this.height = height;
        this.yuvMaster = yuvMaster;
        this.ownsBgr = ownsBgr;
        this.buffers = buffers;
        this.i420 = i420;
        this.bgr = bgr;
        this.bgrWhole = !yuvMaster;
        this.i420Current = yuvMaster;
    }

    /** Takes {@code i420} (its own, contiguous, {@code height * 3/2} rows of {@code width}); both sides even. */
    public static Picture ofI420(Mat i420, int width, int height) {
        return ofI420(i420, width, height, null);
    }

    /** As {@link #ofI420(Mat, int, int)}, its buffers (the planes, the BGR) taken from and given back to {@code buffers}. */
    static Picture ofI420(Mat i420, int width, int height, FrameBuffers buffers) {
        if ((width & 1) != 0 || (height & 1) != 0 || i420.cols() != width || i420.rows() != height * 3 / 2
                || !i420.isContinuous() || i420.type() != CV_8UC1) {
            throw new IllegalArgumentException("not " + width + "x" + height + " I420 planes: " + i420.cols() + "x" + i420.rows());
        }
        return new Picture(width, height, true, i420, null, true, buffers);
    }

    /** Takes {@code bgr} (its own); width and height even. */
    public static Picture ofBgr(Mat bgr) {
        if ((bgr.cols() & 1) != 0 || (bgr.rows() & 1) != 0 || bgr.type() != CV_8UC3) {
            throw new IllegalArgumentException("not an even-sized BGR picture: " + bgr.cols() + "x" + bgr.rows());
        }
        return new Picture(bgr.cols(), bgr.rows(), false, null, bgr);
    }

    /**
     * A view of a BGR Mat the caller keeps (any size; closing the view leaves it open), for code that reads
     * pictures and is handed a plain Mat (a photo's analysis, tests). Not for the encoder when a side is odd.
     */
    public static Picture view(Mat bgr) {
        return new Picture(bgr.cols(), bgr.rows(), false, null, bgr, false, null);
    }

    public int width() { return width; }
    public int height() { return height; }

    /** The whole picture in BGR (converted once; a frame-sized Mat the picture owns). */
    public Mat bgr() {
        if (!bgrWhole) {
            ensureBgr();
            cvtColor(i420, bgr, COLOR_YUV2BGR_I420);
            bgrWhole = true;
            valid.clear();
        }
        return bgr;
    }

    /**
     * The picture in BGR, valid at least inside the region (clipped to the frame; frame coordinates): the
     * frame-sized Mat the picture owns, whose pixels outside what was asked for so far are undefined.
     */
    public Mat bgr(int x, int y, int w, int h) {
        if (bgrWhole) return bgr;
        int[] r = aligned(x, y, w, h);
        ensureBgr();
        if (r == null || covered(r)) return bgr;
        try (Mat small = new Mat(r[3] * 3 / 2, r[2], CV_8UC1); Rect roi = new Rect(r[0], r[1], r[2], r[3]);
             Mat dst = bgr.apply(roi)) {
            copyPlanes(i420, width, height, small, r, true);
            cvtColor(small, dst, COLOR_YUV2BGR_I420); // into the region: dst has its size and type, nothing is reallocated
        }
        valid.add(r);
        return bgr;
    }

    /**
     * The BGR pixels inside the region (frame coordinates) were changed: the planes are brought up to date there.
     * Writers name the region they wrote, not more: its unchanged pixels go through BGR and back (a level or two
     * where BGR clips a saturated colour), everything outside keeps the decoder's bytes.
     */
    public void changed(int x, int y, int w, int h) {
        if (!yuvMaster) {
            i420Current = false;
            return;
        }
        int[] r = aligned(x, y, w, h);
        if (r == null) return;
        try (Mat small = new Mat(r[3] * 3 / 2, r[2], CV_8UC1); Rect roi = new Rect(r[0], r[1], r[2], r[3]);
             Mat src = bgr.apply(roi)) {
            cvtColor(src, small, COLOR_BGR2YUV_I420);
            copyPlanes(i420, width, height, small, r, false);
        }
    }

    /** The picture as I420 planes for the encoder ({@code height * 3/2} rows of {@code width}); the picture owns it. */
    public Mat i420() {
        if (!i420Current) {
            if (i420 == null) i420 = new Mat();
            cvtColor(bgr, i420, COLOR_BGR2YUV_I420);
            i420Current = true;
        }
        return i420;
    }

    /** An independent copy (a photo's frame, a frame replayed from memory): of the planes, or of BGR for a BGR picture. */
    public Picture copy() {
        if (!yuvMaster) return ofBgr(bgr.clone());
        if (buffers == null) return new Picture(width, height, true, i420.clone(), null);
        Mat planes = buffers.take(i420.rows(), i420.cols(), i420.type());
        i420.copyTo(planes);
        return new Picture(width, height, true, planes, null, true, buffers);
    }

    private void ensureBgr() {
        if (bgr == null) bgr = buffers != null ? buffers.take(height, width, CV_8UC3) : new Mat(height, width, CV_8UC3);
    }

    /** The region clipped to the frame and widened to even corners (I420 shares chroma between 2x2 pixels), or null. */
    private int[] aligned(int x, int y, int w, int h) {
        int x0 = Math.max(0, x & ~1), y0 = Math.max(0, y & ~1);
        int x1 = Math.min(width, (int) Math.min(Integer.MAX_VALUE - 1L, ((long) x + w + 1) & ~1L));
        int y1 = Math.min(height, (int) Math.min(Integer.MAX_VALUE - 1L, ((long) y + h + 1) & ~1L));
        return x1 - x0 < 2 || y1 - y0 < 2 ? null : new int[] {x0, y0, x1 - x0, y1 - y0};
    }

    private boolean covered(int[] r) {
        for (int[] v : valid) {
            if (r[0] >= v[0] && r[1] >= v[1] && r[0] + r[2] <= v[0] + v[2] && r[1] + r[3] <= v[1] + v[3]) return true;
        }
        return false;
    }

    /** Copies the region {@code r} of each plane of the frame's planes to the packed I420 {@code small}, or back. */
    private static void copyPlanes(Mat frame, int width, int height, Mat small, int[] r, boolean out) {
        for (int p = 0; p < 3; p++) {
            int s = p == 0 ? 1 : 2;
            try (Mat big = plane(frame, width, height, p); Mat part = plane(small, r[2], r[3], p);
                 Rect at = new Rect(r[0] / s, r[1] / s, r[2] / s, r[3] / s); Mat region = big.apply(at)) {
                if (out) region.copyTo(part);
                else part.copyTo(region);
            }
        }
    }

    /** Where plane {@code p} (0 Y, 1 U, 2 V) starts in packed I420 planes of a {@code width x height} picture. */
    static long planeOffset(int width, int height, int p) {
        return p == 0 ? 0 : (long) width * height + (p == 2 ? (long) (width / 2) * (height / 2) : 0);
    }

    /** A header on plane {@code p} (0 Y, 1 U, 2 V) of packed I420 planes of a {@code width x height} picture. */
    static Mat plane(Mat i420, int width, int height, int p) {
        long offset = planeOffset(width, height, p);
        int pw = p == 0 ? width : width / 2, ph = p == 0 ? height : height / 2;
        BytePointer data = i420.data();
        return new Mat(ph, pw, CV_8UC1, data.position(offset), pw);
    }

    @Override
    public void close() {
        if (buffers != null) {
            buffers.give(i420);
            buffers.give(bgr);
        } else {
            if (i420 != null) i420.close();
            if (bgr != null && ownsBgr) bgr.close();
        }
        i420 = null;
        bgr = null;
    }
}
