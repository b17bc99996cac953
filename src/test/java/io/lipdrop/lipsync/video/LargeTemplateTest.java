package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.UnusableInputException;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.OrientedMedia;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Phone photos larger than libopenh264 takes are scaled to fit and encode, instead of failing three times. */
class LargeTemplateTest {
    @TempDir Path dir;

    /** The astronaut scaled up onto a grey canvas of the given size, as a phone's JPEG. */
    private Path photo(String name, int width, int height) throws Exception {
        Path face = Fixtures.copy("face_astronaut.png", dir);
        int side = Math.min(width, height);
        try (Mat src = imread(face.toString());
             Mat big = new Mat();
             Size size = new Size(side, side);
             Mat canvas = new Mat(height, width, CV_8UC3, new Scalar(90, 90, 90, 0));
             Rect at = new Rect((width - side) / 2, (height - side) / 2, side, side);
             Mat target = canvas.apply(at)) {
            resize(src, big, size, 0, 0, INTER_CUBIC);
            big.copyTo(target);
            Path out = dir.resolve(name);
            Files.write(out, OrientedMedia.encode(".jpg", canvas));
            return out;
        }
    }

    /** Writes {@code frames} frames of {@code source} with libopenh264 and the speech fixture; returns the probe. */
    private TestMedia.Probe encode(TemplateSource source, Path template, int frames) throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        Path out = dir.resolve(template.getFileName() + ".mp4");
        try (VideoEncoder encoder = new VideoEncoder(out, speech, template, source.width(), source.height(), source.fps(), 0,
                List.of("libopenh264"))) {
            assertEquals("libopenh264", encoder.encoderName());
            for (int i = 0; i < frames; i++) {
                SourceFrame f = source.next(i);
                assertEquals(source.width(), f.picture.bgr().cols());
                assertEquals(source.height(), f.picture.bgr().rows());
                encoder.write(f.picture);
                f.picture.close();
            }
            encoder.finish();
        }
        return TestMedia.probe(out);
    }

    private static void assertFitsOpenH264(int width, int height, double aspect) {
        assertEquals(0, width % 2, "even width");
        assertEquals(0, height % 2, "even height");
        assertTrue((long) width * height <= 9_437_184, width + "x" + height + " is within 9,437,184 pixels");
        assertTrue(FrameLimit.alignedPixels(width, height) <= VideoEncoder.OPENH264_MAX_PIXELS,
                width + "x" + height + " in whole macroblocks is within libopenh264's 36,864");
        assertEquals(aspect, width / (double) height, aspect * 0.01, "aspect kept within 1%");
    }

    @Test
    void aTwelveMegapixelPhoneJpegIsScaledToFitAndEncodesWithOpenH264() throws Exception {
        Path photo = photo("phone.jpg", 4032, 3024);
        try (TemplateSource source = new TemplateSource(photo, 8, VideoEncoder.maxPixels(List.of("libopenh264")))) {
            assertEquals(4032, source.sourceWidth());
            assertEquals(3024, source.sourceHeight());
            assertTrue(source.scaled());
            assertEquals(0, source.rotation());
            assertFitsOpenH264(source.width(), source.height(), 4032 / 3024.0);
            // the largest that fits: one more step of 2 pixels would cross the limit
            assertFalse(FrameLimit.ofPixels(VideoEncoder.OPENH264_MAX_PIXELS).accepts(source.width() + 16, source.height() + 12));

            TestMedia.Probe p = encode(source, photo, 3);
            assertEquals("h264", p.videoCodec());
            assertEquals(source.width(), p.width());
            assertEquals(source.height(), p.height());
            assertEquals(3, p.frames());
        }
    }

    @Test
    void theSquarePortraitThatFailedThreeTimesBecomes3072Square() throws Exception {
        Path photo = photo("portrait.jpg", 3520, 3520);
        try (TemplateSource source = new TemplateSource(photo, 8)) { // the old constructor: libopenh264's limit
            assertEquals(3520, source.sourceWidth());
            assertTrue(source.scaled());
            assertEquals(3072, source.width());
            assertEquals(3072, source.height());
            assertFitsOpenH264(source.width(), source.height(), 1.0);
            TestMedia.Probe p = encode(source, photo, 2);
            assertEquals(3072, p.width());
            assertEquals(3072, p.height());
        }
    }

    @Test
    void aFrameSizeTheEncoderRefusesIsUnusableInputNamingSizeAndLimit() throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        Path template = dir.resolve("portrait.jpg");
        UnusableInputException e = assertThrows(UnusableInputException.class, () ->
                new VideoEncoder(dir.resolve("o.mp4"), speech, template, 3520, 3520, 25, 0, List.of("libopenh264")).close());
        assertTrue(e.reason().contains("3520x3520"), e.reason());
        assertTrue(e.reason().contains("9,437,184"), e.reason());
        assertTrue(e.reason().contains("too large"), e.reason());
        assertTrue(e.getMessage().startsWith("portrait.jpg: "), e.getMessage());
        assertFalse(Files.exists(dir.resolve("o.mp4")));
    }

    @Test
    void fitsEveryListedEncoderSoTheFallbackStillOpens() throws Exception {
        // a panorama: within libopenh264's pixels at 6144 wide, but NVENC takes at most 4096 a side
        Path pano = dir.resolve("pano.png");
        try (Mat m = new Mat(1500, 6000, CV_8UC3, new Scalar(70, 80, 90, 0))) {
            Files.write(pano, OrientedMedia.encode(".png", m));
        }
        try (TemplateSource source = new TemplateSource(pano, 8, VideoEncoder.frameLimit(List.of("h264_nvenc", "libopenh264")))) {
            assertTrue(source.scaled());
            assertEquals(4096, source.width());
            assertEquals(1024, source.height());
        }
        try (TemplateSource source = new TemplateSource(pano, 8, VideoEncoder.frameLimit(List.of("libopenh264")))) {
            assertFalse(source.scaled(), "6000x1500 is 375x94 macroblocks, within libopenh264's 36,864");
            assertEquals(6000, source.width());
        }
    }
}
