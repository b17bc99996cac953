package io.lipdrop.lipsync.video;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_to_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;

/**
 * A decoded frame (FFmpeg's own, as the decoder left it) made into an output {@link Picture} by the template's
 * {@link FrameGeometry}, staying in yuv420p: the even crop and, for most templates, everything else is one copy of
 * the planes; another pixel format (10-bit, 4:2:2, full-range JPEG, NVDEC's NV12) or a scaled frame goes through
 * swscale to yuv420p at the output size; a turned one has each plane turned. Not thread-safe (one per decoder).
 */
final class PictureShaper implements AutoCloseable {
    private final FrameGeometry geometry;
    private final FrameBuffers buffers;
    private final int w, h;  // the size before turning
    private SwsContext sws;

    PictureShaper(FrameGeometry geometry, FrameBuffers buffers) {
        this.geometry = geometry;
        this.buffers = buffers;
        boolean sideways = geometry.turn() % 180 != 0;
        this.w = sideways ? geometry.height() : geometry.width();
        this.h = sideways ? geometry.width() : geometry.height();
    }

    /** The output picture for {@code frame} (left as it is: the decoder reuses it). */
    Picture shape(AVFrame frame) {
        Mat planes = buffers.take(h * 3 / 2, w, CV_8UC1);
        try {
            int fw = frame.width(), fh = frame.height();
            // as stored (or the frame's size changed mid-way): the frame is cropped to even sides, never stretched
            boolean cropOnly = (fw == w && fh == h) || (!geometry.scaled() && fw == geometry.decodedWidth()
                    && fh == geometry.decodedHeight() && fw >= w && fh >= h);
            if (cropOnly && frame.format() == AV_PIX_FMT_YUV420P) {
                int size = w * h * 3 / 2;
                int n = av_image_copy_to_buffer(planes.data(), size, frame.data(), frame.linesize(), AV_PIX_FMT_YUV420P, w, h, 1);
                if (n < 0) throw new IllegalStateException("av_image_copy_to_buffer failed: " + n);
            } else {
                scale(frame, planes, cropOnly ? w : fw, cropOnly ? h : fh);
            }
            if (geometry.turn() == 0) return Picture.ofI420(planes, w, h, buffers);
            Mat turned = turn(planes);
            buffers.give(planes);
            return Picture.ofI420(turned, geometry.width(), geometry.height(), buffers);
        } catch (RuntimeException | Error e) {
            buffers.give(planes);
            throw e;
        }
    }

    /** swscale from the frame's top-left {@code srcW x srcH} (a crop when smaller) to yuv420p at the output size. */
    private void scale(AVFrame frame, Mat planes, int srcW, int srcH) {
        sws = sws_getCachedContext(sws, srcW, srcH, frame.format(), w, h, AV_PIX_FMT_YUV420P, SWS_AREA,
                null, null, (DoublePointer) null);
        if (sws == null) throw new IllegalStateException("swscale cannot convert pixel format " + frame.format() + " to yuv420p");
        BytePointer base = planes.data();
        try (PointerPointer<BytePointer> dst = new PointerPointer<>(3);
             IntPointer strides = new IntPointer(w, w / 2, w / 2, 0)) {
            for (int p = 0; p < 3; p++) dst.put(p, base.getPointer(Picture.planeOffset(w, h, p)));
            sws_scale(sws, frame.data(), frame.linesize(), 0, srcH, dst, strides);
        }
    }

    /** Each plane turned by the geometry's quarter turns. */
    private Mat turn(Mat planes) {
        int ow = geometry.width(), oh = geometry.height();
        Mat out = buffers.take(oh * 3 / 2, ow, CV_8UC1);
        int code = geometry.turn() == 90 ? ROTATE_90_CLOCKWISE : geometry.turn() == 180 ? ROTATE_180 : ROTATE_90_COUNTERCLOCKWISE;
        for (int p = 0; p < 3; p++) {
            try (Mat from = Picture.plane(planes, w, h, p); Mat to = Picture.plane(out, ow, oh, p)) {
                rotate(from, to, code);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
    }
}
