package io.lipdrop.lipsync.video;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The frame-sized buffers of one template (its I420 planes, the BGR its face region is converted into), handed back
 * when a picture is closed and given to the next one, instead of 3 + 6 MB allocated, faulted in and freed per 1080p
 * frame. The buffers in use are the frames in flight (bounded by the pipeline's queues).
 * Thread-safe: the decoder takes, the face stage takes, the encoder gives back.
 */
final class FrameBuffers implements AutoCloseable {
    /** Never more idle buffers of one shape than this (the queues hold fewer frames in flight). */
    static final int KEEP = 64;

    private final Map<Long, ArrayDeque<Mat>> idle = new HashMap<>();
    private boolean closed;

    /** A buffer of this shape (contents undefined), used again or new. */
    synchronized Mat take(int rows, int cols, int type) {
        ArrayDeque<Mat> q = idle.get(key(rows, cols, type));
        Mat m = q != null ? q.poll() : null;
        return m != null ? m : new Mat(rows, cols, type);
    }

    /** Takes {@code m} back for the next frame; closed instead once the buffers are closed or enough are idle. */
    synchronized void give(Mat m) {
        if (m == null) return;
        if (!closed && m.isContinuous() && !m.isSubmatrix()) {
            ArrayDeque<Mat> q = idle.computeIfAbsent(key(m.rows(), m.cols(), m.type()), k -> new ArrayDeque<>());
            if (q.size() < KEEP) {
                q.push(m); // the most recently used first: its pages are the ones in memory
                return;
            }
        }
        m.close();
    }

    /** Idle buffers, all shapes (for tests). */
    synchronized int idle() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private static long key(int rows, int cols, int type) {
        return ((long) rows << 40) ^ ((long) cols << 16) ^ type;
    }

    /** Frees the idle buffers; pictures closed later free their own. */
    @Override
    public synchronized void close() {
        closed = true;
        idle.values().forEach(q -> q.forEach(Mat::close));
        idle.clear();
    }
}
