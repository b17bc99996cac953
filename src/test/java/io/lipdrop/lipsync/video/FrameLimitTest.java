package io.lipdrop.lipsync.video;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoders' frame limits and the largest size that fits them. */
class FrameLimitTest {
    private static final FrameLimit OPENH264 = VideoEncoder.limit("libopenh264");

    @Test
    void libOpenH264CountsWholeMacroblocks() {
        assertEquals(9_437_184, VideoEncoder.OPENH264_MAX_PIXELS);
        assertTrue(OPENH264.accepts(3072, 3072));
        assertTrue(OPENH264.accepts(4096, 2304));
        // 3074 * 3072 is under 9,437,184, but libopenh264 refuses it as "invalid 3088 x 3072"
        assertFalse(OPENH264.accepts(3074, 3072));
        assertFalse(OPENH264.accepts(3520, 3520));
        assertFalse(OPENH264.accepts(4032, 3024));
        assertFalse(OPENH264.accepts(14, 16), "libopenh264 fails every frame below 16 pixels a side");
        assertTrue(OPENH264.accepts(16, 16));
        assertTrue(OPENH264.accepts(30_000, 16), "no limit of its own per side");
        assertFalse(OPENH264.accepts(70_000, 16), "MP4 stores sizes in 16 bits");
    }

    @Test
    void fitsPhonePhotosToTheLargestSizeOfTheSameAspect() {
        // 222 x 166 macroblocks = 36,852 of 36,864
        assertArrayEquals(new int[] {3542, 2656}, OPENH264.fit(4032, 3024));
        assertArrayEquals(new int[] {2656, 3542}, OPENH264.fit(3024, 4032));
        assertArrayEquals(new int[] {3072, 3072}, OPENH264.fit(3520, 3520));
        assertArrayEquals(new int[] {3072, 3070}, OPENH264.fit(3074, 3072), "the aspect of 3074x3072 kept");
        assertArrayEquals(new int[] {4096, 2304}, OPENH264.fit(7680, 4320), "8K to 4096x2304");
        assertArrayEquals(new int[] {3840, 2160}, OPENH264.fit(3840, 2160), "4K UHD fits as it is");
        assertArrayEquals(new int[] {1080, 1920}, OPENH264.fit(1081, 1921), "odd sizes only lose their last column and row");
    }

    @Test
    void everyFittedSizeIsEvenFitsKeepsItsAspectAndIsTheLargest() {
        Random random = new Random(7);
        for (FrameLimit limit : List.of(OPENH264, VideoEncoder.frameLimit(List.of("h264_nvenc", "libopenh264")),
                VideoEncoder.limit("libx264"))) {
            for (int n = 0; n < 2000; n++) {
                int w = 200 + random.nextInt(20_000), h = 200 + random.nextInt(20_000);
                int[] f = limit.fit(w, h);
                String what = w + "x" + h + " -> " + f[0] + "x" + f[1] + " in " + limit;
                assertEquals(0, f[0] % 2, what);
                assertEquals(0, f[1] % 2, what);
                assertFalse(limit.tooLarge(f[0], f[1]), what);
                if (f[0] == (w & ~1) && f[1] == (h & ~1)) continue; // not scaled
                double aspect = w / (double) h;
                assertEquals(aspect, f[0] / (double) f[1], aspect * 0.01 + 2.0 / Math.min(f[0], f[1]) * aspect, what);
                // two pixels more on the longer side no longer fit
                boolean wide = w >= h;
                int l = (wide ? f[0] : f[1]) + 2;
                int s = Math.max(2, (int) Math.round(l * (double) (wide ? h : w) / (wide ? w : h) / 2.0) * 2);
                assertTrue(limit.tooLarge(wide ? l : s, wide ? s : l), "largest: " + what);
            }
        }
    }

    @Test
    void theLimitOfSeveralEncodersIsTheOneEachCanTake() {
        assertEquals(9_437_184, VideoEncoder.maxPixels(List.of("libopenh264")));
        assertEquals(9_437_184, VideoEncoder.maxPixels(List.of("h264_nvenc", "libopenh264")));
        assertEquals(4096L * 4096, VideoEncoder.maxPixels(List.of("h264_nvenc")));
        assertEquals(139_264L * 256, VideoEncoder.maxPixels(List.of("libx264")), "H.264 level 6.2");
        FrameLimit gpu = VideoEncoder.frameLimit(List.of("h264_nvenc", "libopenh264"));
        assertEquals(4096, gpu.maxWidth(), "NVENC's 4096 a side");
        assertEquals(16, gpu.minWidth(), "small frames go to libopenh264");
        assertEquals(VideoEncoder.limit("libopenh264"), VideoEncoder.frameLimit(List.of()));
    }

    @Test
    void saysWhyAnEncoderRefusesASize() {
        assertEquals("libopenh264 needs at least 16x16", VideoEncoder.refusal("libopenh264", 8, 8));
        assertTrue(VideoEncoder.refusal("libopenh264", 3520, 3520).contains("9,437,184"));
        assertEquals(null, VideoEncoder.refusal("libopenh264", 1920, 1080));
    }
}
