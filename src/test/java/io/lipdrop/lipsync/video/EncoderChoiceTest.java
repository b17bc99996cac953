package io.lipdrop.lipsync.video;

import io.lipdrop.Settings;
import io.lipdrop.lipsync.model.CudaProbe;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.bytedeco.opencv.global.opencv_core.PSNR;
import static org.bytedeco.opencv.global.opencv_core.extractChannel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder LipDrop picks by default on a machine without a GPU (libx264 from the -gpl FFmpeg build), that the
 * frames it writes keep their colours (they reach the encoder as yuv420p converted by OpenCV: swapped or misplaced
 * chroma planes would show at once in the blue and red channels), and that a missing encoder falls through to
 * libopenh264, as in the LGPL build.
 */
class EncoderChoiceTest {
    @TempDir Path dir;

    @Test
    void defaultEncoderIsLibx264AndKeepsColours() throws Exception {
        List<String> encoders = Settings.load(Map.of(), new Properties()).engine().encoders();
        List<String> cpu = List.of("libx264", "libopenh264");
        assertEquals(CudaProbe.gpuPresent() ? List.of("h264_nvenc", "libx264", "libopenh264") : cpu, encoders);
        Path out = encodePhoto(cpu, "x264.mp4");
        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals("h264", p.videoCodec());
        assertEquals("yuv420p", p.pixelFormat());
        assertEquals(FRAMES, p.frames());
        assertColoursKept(out);
    }

    @Test
    void missingEncoderFallsThroughToOpenh264() throws Exception {
        // an encoder this FFmpeg lacks fails to open like libx264 does in the LGPL build
        Path out = encodePhoto(List.of("h264_not_built_in", "libopenh264"), "openh264.mp4");
        assertEquals("h264", TestMedia.probe(out).videoCodec());
        assertColoursKept(out);
    }

    private static final int FRAMES = 25;
    private String used;

    private Path encodePhoto(List<String> encoders, String name) throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        Path out = dir.resolve(name);
        try (TemplateSource source = new TemplateSource(photo, 8, VideoEncoder.frameLimit(encoders));
             VideoEncoder encoder = new VideoEncoder(out, speech, photo, source.width(), source.height(), source.fps(), 0, encoders)) {
            used = encoder.encoderName();
            for (int i = 0; i < FRAMES; i++) {
                SourceFrame f = source.next(i);
                encoder.write(f.picture);
                f.picture.close();
            }
            encoder.finish();
        }
        assertEquals(name.startsWith("x264") ? "libx264" : "libopenh264", used);
        return out;
    }

    /** Every channel of the last frame within 30 dB PSNR of the photo (a chroma mix-up gives under 20). */
    private void assertColoursKept(Path out) throws Exception {
        Path photo = dir.resolve("face_astronaut.png");
        List<Mat> frames = TestMedia.frames(out);
        try (TemplateSource source = new TemplateSource(photo, 8); Mat decoded = frames.get(frames.size() - 1)) {
            SourceFrame original = source.next(0);
            for (int c = 0; c < 3; c++) {
                try (Mat a = new Mat(); Mat b = new Mat()) {
                    extractChannel(original.picture.bgr(), a, c);
                    extractChannel(decoded, b, c);
                    double psnr = PSNR(a, b);
                    assertTrue(psnr > 30, used + ": channel " + c + " PSNR " + psnr + " dB");
                }
            }
            original.picture.close();
        } finally {
            frames.forEach(Mat::close);
        }
    }
}
