package io.lipdrop.lipsync.video;

import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplateSourceTest {
    @TempDir Path dir;

    /** Frame i of the numbered video is grey 20i+20, so the pixels say which frame really came back. */
    @Test
    void streamsTheTemplateForwardsThenBackwardsAcrossSeekChunks() throws Exception {
        Path video = TestMedia.numberedVideo(dir.resolve("n.mp4"), 10, 25);
        try (TemplateSource source = new TemplateSource(video, 3)) {
            assertEquals(25.0, source.fps(), 1e-6);
            for (int i = 0; i < 45; i++) {
                SourceFrame f = source.next(i);
                int expected = Timeline.pingPong(i, 10);
                assertEquals(expected, f.sourceIndex, "source index of output frame " + i);
                assertEquals(expected, frameNumberFromGrey(f.picture.bgr()), "pixels of output frame " + i);
                f.picture.close();
            }
            assertEquals(10, source.sourceFramesKnown());
        }
    }

    /**
     * A template as x264 writes it by default (LipDrop's own output too): a key frame every 250 frames, B-frames
     * reordered. Read backwards, every 16-frame chunk seeks to the key frame before it and decodes forward; each frame
     * must still be the one asked for. Frame i shows i in binary as ten black or white bars.
     */
    @Test
    void longGopWithBFramesReadsBackwardsFrameExactly() throws Exception {
        int frames = 300;
        Path video = dir.resolve("long-gop.mp4");
        io.lipdrop.lipsync.MediaLibraries.init();
        try (org.bytedeco.javacv.FFmpegFrameRecorder r = new org.bytedeco.javacv.FFmpegFrameRecorder(video.toFile(), 320, 64, 0);
             org.bytedeco.javacv.OpenCVFrameConverter.ToMat conv = new org.bytedeco.javacv.OpenCVFrameConverter.ToMat()) {
            r.setFormat("mp4");
            r.setVideoCodecName("libx264");
            r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(25);
            r.setGopSize(250);
            r.setVideoOption("crf", "18");
            r.start();
            for (int i = 0; i < frames; i++) {
                try (Mat m = new Mat(64, 320, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(0, 0, 0, 0))) {
                    for (int b = 0; b < 10; b++) {
                        if ((i >> b & 1) != 0) {
                            org.bytedeco.opencv.global.opencv_imgproc.rectangle(m, new org.bytedeco.opencv.opencv_core.Rect(b * 32, 0, 32, 64),
                                    new org.bytedeco.opencv.opencv_core.Scalar(255, 255, 255, 0), org.bytedeco.opencv.global.opencv_imgproc.FILLED, 8, 0);
                        }
                    }
                    r.record(conv.convert(m));
                }
            }
            r.stop();
        }
        int keys = 0, bFrames = 0;
        try (org.bytedeco.javacv.FFmpegFrameGrabber g = new org.bytedeco.javacv.FFmpegFrameGrabber(video.toFile())) {
            g.start();
            for (org.bytedeco.javacv.Frame f; (f = g.grabImage()) != null; ) {
                if (f.keyFrame) keys++;
                if (f.pictType == 'B') bFrames++;
            }
        }
        assertTrue(keys <= 3, "key frames at 0, 250 and perhaps a scene cut, not " + keys);
        assertTrue(bFrames > 100, "B-frames, reordered: " + bFrames);
        try (TemplateSource source = new TemplateSource(video, 16)) {
            for (int i = 0; i < 2 * frames + 100; i++) {
                SourceFrame f = source.next(i);
                int expected = Timeline.pingPong(i, frames);
                assertEquals(expected, f.sourceIndex, "source index of output frame " + i);
                assertEquals(expected, frameNumberFromBars(f.picture.bgr()), "pixels of output frame " + i);
                f.picture.close();
            }
        }
    }

    private static int frameNumberFromBars(Mat m) {
        int n = 0;
        for (int b = 0; b < 10; b++) if ((m.ptr(32, b * 32 + 16).get() & 0xff) > 128) n |= 1 << b;
        return n;
    }

    private static int frameNumberFromGrey(Mat m) {
        int grey = m.ptr(32, 32).get() & 0xff;
        return Math.round((grey - 20) / 20f);
    }
}
