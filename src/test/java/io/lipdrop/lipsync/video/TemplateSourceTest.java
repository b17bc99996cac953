package io.lipdrop.lipsync.video;

import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static int frameNumberFromGrey(Mat m) {
        int grey = m.ptr(32, 32).get() & 0xff;
        return Math.round((grey - 20) / 20f);
    }
}
