package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.UnusableInputException;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.OrientedMedia;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input that can never work is refused at once with the real reason (quarantined, not retried three times);
 * a failure of the machine (disk full) stays retryable; odd but good files still decode.
 */
class UnusableTemplateTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 14})
    void aPictureTooSmallForTheEncoderIsUnusableWithItsSize(int side) throws Exception {
        Path tiny = dir.resolve("tiny.png");
        try (Mat m = new Mat(side, side, CV_8UC3, new Scalar(120, 120, 120, 0))) {
            Files.write(tiny, OrientedMedia.encode(".png", m));
        }
        UnusableInputException e = assertThrows(UnusableInputException.class, () -> new TemplateSource(tiny, 4).close());
        assertTrue(e.reason().contains("is " + side + "x" + side + " pixels"), e.reason());
        assertTrue(e.reason().contains("too small") && e.reason().contains("16x16"), e.reason());
        assertTrue(e.advice().contains("16x16"), e.advice());
    }

    @Test
    void theEncoderRefusesFramesBelow16PixelsBeforeTryingSoItIsNotRetried() throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        UnusableInputException e = assertThrows(UnusableInputException.class, () ->
                new VideoEncoder(dir.resolve("o.mp4"), speech, dir.resolve("tiny.png"), 8, 8, 25, 0,
                        List.of("h264_nvenc", "libopenh264")).close());
        assertTrue(e.reason().contains("8x8") && e.reason().contains("too small"), e.reason());
        assertTrue(e.reason().contains("libopenh264 needs at least 16x16"), e.reason());
        assertTrue(e.reason().contains("h264_nvenc needs at least 145x145"), e.reason());
    }

    @Test
    void theSmallestSizeLibOpenH264TakesEncodes() throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        Path out = dir.resolve("o.mp4");
        // NVENC (refused for this size, or absent here) gives way to libopenh264
        try (VideoEncoder enc = new VideoEncoder(out, speech, null, 16, 16, 25, 0, List.of("h264_nvenc", "libopenh264"));
             Mat m = new Mat(16, 16, CV_8UC3, new Scalar(50, 60, 70, 0))) {
            assertEquals("libopenh264", enc.encoderName());
            enc.write(m);
            enc.write(m);
            enc.finish();
        }
        assertEquals(2, TestMedia.probe(out).frames());
    }

    @Test
    void aCodecFFmpegCannotDecodeIsUnusableAndNamed() throws Exception {
        Path h264 = OrientedMedia.video(dir.resolve("ok.mp4"), 64, 48, 25, 5, 0, true, i -> OrientedMedia.markedFrame(64, 48, i, 8));
        Path evc = OrientedMedia.withSampleEntry(h264, dir.resolve("evc.mp4"), "evc1");
        UnusableInputException e = assertThrows(UnusableInputException.class, () -> new TemplateSource(evc, 4).close());
        assertTrue(e.reason().contains("EVC") && e.reason().contains("no decoder"), e.reason());
        assertTrue(e.advice().contains("H.264"), e.advice());
    }

    @Test
    void aVideoCutShortIsUnusableOnceTheReadReachesTheCut() throws Exception {
        // the index at the front (as LipDrop and most phones write it), so the cut loses frames, not the index
        Path whole = OrientedMedia.video(dir.resolve("whole.mp4"), 160, 120, 25, 100, 0, true,
                i -> OrientedMedia.markedFrame(160, 120, i % 10, 8));
        Path cut = OrientedMedia.truncated(whole, dir.resolve("cut.mp4"), 0.5);
        try (TemplateSource source = new TemplateSource(cut, 4)) {
            UnusableInputException e = assertThrows(UnusableInputException.class, () -> {
                for (int i = 0; i < 200; i++) source.next(i).picture.bgr().close();
            });
            assertTrue(e.reason().contains("of its 4.0 s of video could be decoded") && e.reason().contains("truncated"), e.reason());
        }
        try (TemplateSource source = new TemplateSource(whole, 4)) { // the whole file plays through and back
            for (int i = 0; i < 120; i++) source.next(i).picture.bgr().close();
            assertEquals(100, source.sourceFramesKnown());
        }
    }

    @Test
    void aClipTrimmedByItsEditListIsNotMistakenForATruncatedOne() throws Exception {
        Path whole = OrientedMedia.video(dir.resolve("whole.mp4"), 160, 120, 25, 100, 0, true,
                i -> OrientedMedia.markedFrame(160, 120, i % 10, 8));
        // plays frames 60..99 only, while the index still lists all 100
        Path trimmed = OrientedMedia.trimmedByEditList(whole, dir.resolve("trimmed.mp4"), 25, 60, 40);
        try (TemplateSource source = new TemplateSource(trimmed, 4)) {
            for (int i = 0; i < 100; i++) {
                SourceFrame f = source.next(i);
                f.picture.close();
            }
            assertEquals(40, source.sourceFramesKnown());
        }
    }

    @Test
    void aFullDiskStaysRetryable() throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        // a link, so that the encoder's clean-up of a failed output removes the link and never the device
        Path out = Files.createSymbolicLink(dir.resolve("full.mp4"), Path.of("/dev/full"));
        Exception e = assertThrows(Exception.class, () -> {
            try (VideoEncoder enc = new VideoEncoder(out, speech, null, 320, 240, 25, 0, List.of("libopenh264"));
                 Mat m = new Mat(240, 320, CV_8UC3, new Scalar(50, 60, 70, 0))) {
                for (int i = 0; i < 50; i++) enc.write(m);
                enc.finish();
            }
        });
        assertFalse(e instanceof UnusableInputException, "a full disk is no fault of the input: " + e);
        assertTrue(e instanceof IOException || e instanceof UncheckedIOException, "an I/O failure, retried: " + e);
        assertTrue(Files.exists(Path.of("/dev/full")));
    }

    @Test
    void anRgbaPngAndAJpegNamedPngDecodeAsColour() throws Exception {
        Path rgba = dir.resolve("alpha.png");
        try (Mat m = new Mat(64, 48, CV_8UC4, new Scalar(10, 200, 30, 0))) { // fully transparent, green
            Files.write(rgba, OrientedMedia.encode(".png", m));
        }
        Path jpegNamedPng = dir.resolve("really_a_jpeg.png");
        try (Mat m = new Mat(64, 48, CV_8UC3, new Scalar(10, 200, 30, 0))) {
            Files.write(jpegNamedPng, OrientedMedia.encode(".jpg", m));
        }
        for (Path p : List.of(rgba, jpegNamedPng)) {
            try (TemplateSource source = new TemplateSource(p, 4)) {
                SourceFrame f = source.next(0);
                assertEquals(3, f.picture.bgr().channels(), p.getFileName() + ": BGR");
                assertEquals(48, f.picture.bgr().cols());
                assertEquals(64, f.picture.bgr().rows());
                assertTrue((f.picture.bgr().ptr(32, 24).get(1) & 0xff) > 180, p.getFileName() + ": green kept");
                f.picture.close();
            }
        }
    }

    /** The real photos that once went wrong; skipped where the shared media folder is not checked out. */
    @ParameterizedTest
    @ValueSource(strings = {"musetalk__musk.png", "sadtalker__full_body_1.png"})
    void realOddPhotosDecode(String name) throws Exception {
        Path p = Path.of("..", "shared", "media", "real", name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "no " + p);
        try (TemplateSource source = new TemplateSource(p, 4)) {
            SourceFrame f = source.next(0);
            assertEquals(3, f.picture.bgr().channels());
            assertTrue(source.width() >= 256 && source.height() >= 256, source.width() + "x" + source.height());
            assertEquals(0, source.width() % 2);
            assertEquals(0, source.height() % 2);
            f.picture.close();
        }
    }
}
