package io.lipdrop.lipsync.video;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lipdrop.engine.codec-threads reaches FFmpeg: x264 and the H.264 decoder start their worker threads when they
 * open, so the threads the process gains then are the codec's. With one thread each (several jobs side by side)
 * they start none; asked for four, they start several. The output is the same video either way.
 */
class CodecThreadsTest {
    @TempDir Path dir;

    @Test
    void encoderThreadsFollowTheSetting() throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        int one = threadsGainedOpening(() -> new VideoEncoder(dir.resolve("one.mp4"), speech, null, 640, 360, 25, 0,
                List.of("libx264"), 1));
        int four = threadsGainedOpening(() -> new VideoEncoder(dir.resolve("four.mp4"), speech, null, 640, 360, 25, 0,
                List.of("libx264"), 4));
        // at most one for the JVM's own (a compiler thread can start at any time)
        assertTrue(one <= 1, "libx264 with one thread starts no threads of its own, got " + one);
        assertTrue(four - one >= 3, "libx264 with four threads starts its frame threads, got " + four);
    }

    @Test
    void decoderThreadsFollowTheSetting() throws Exception {
        Path video = TestMedia.numberedVideo(dir.resolve("numbered.mp4"), 50, 25);
        int one = threadsGainedOpening(() -> new TemplateSource(video, 8, FrameLimit.ofPixels(VideoEncoder.OPENH264_MAX_PIXELS),
                VideoDecoding.SOFTWARE, 1));
        int four = threadsGainedOpening(() -> new TemplateSource(video, 8, FrameLimit.ofPixels(VideoEncoder.OPENH264_MAX_PIXELS),
                VideoDecoding.SOFTWARE, 4));
        assertTrue(one <= 1, "the decoder with one thread starts none, got " + one);
        assertTrue(four - one >= 3, "the decoder with four threads starts them, got " + four);
        // and the frames are the same
        try (TemplateSource a = new TemplateSource(video, 8, FrameLimit.ofPixels(VideoEncoder.OPENH264_MAX_PIXELS), VideoDecoding.SOFTWARE, 1);
             TemplateSource b = new TemplateSource(video, 8, FrameLimit.ofPixels(VideoEncoder.OPENH264_MAX_PIXELS), VideoDecoding.SOFTWARE, 4)) {
            for (int i = 0; i < 50; i++) {
                SourceFrame fa = a.next(i), fb = b.next(i);
                try (var x = fa.picture; var y = fb.picture) {
                    assertTrue(sameBytes(x, y), "frame " + i + " differs");
                }
            }
        }
    }

    private static boolean sameBytes(Picture x, Picture y) {
        var p = x.i420();
        var q = y.i420();
        long n = p.total() * p.elemSize();
        if (n != q.total() * q.elemSize()) return false;
        byte[] u = new byte[(int) n], v = new byte[(int) n];
        p.data().get(u);
        q.data().get(v);
        return java.util.Arrays.equals(u, v);
    }

    interface Opening {
        AutoCloseable open() throws Exception;
    }

    /** Threads of this process after opening minus before (closed again before returning). */
    private static int threadsGainedOpening(Opening opening) throws Exception {
        int before = threads();
        try (AutoCloseable opened = opening.open()) {
            return threads() - before;
        }
    }

    private static int threads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return (int) tasks.count();
        }
    }
}
