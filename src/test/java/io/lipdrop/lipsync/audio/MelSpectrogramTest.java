package io.lipdrop.lipsync.audio;

import io.lipdrop.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MelSpectrogramTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"speech_en_16k", "speech_zh_16k"})
    void matchesTheIndependentGoldenSpectrogramWithin1e3(String stem) {
        float[] pcm = new AudioDecoder().decodeMono16k(Fixtures.copy(stem + ".wav", dir));
        Mel mel = new MelSpectrogram().compute(pcm);
        float[][] golden = Fixtures.csv(stem + ".mel.csv");

        assertEquals(golden.length, mel.bandCount());
        assertEquals(golden[0].length, mel.frames());
        double worst = 0;
        for (int b = 0; b < golden.length; b++) {
            for (int t = 0; t < golden[b].length; t++) {
                worst = Math.max(worst, Math.abs(golden[b][t] - mel.value(b, t)));
            }
        }
        assertTrue(worst < 1e-3, "largest difference from the golden mel: " + worst);
    }

    @Test
    void windowIndexFollowsWav2LipAndClampsAtTheEnd() {
        Mel mel = new Mel(new float[80][100]);
        assertEquals(0, mel.windowStart(0, 25));
        assertEquals(3, mel.windowStart(1, 25));   // int(1 * 80 / 25) = 3
        assertEquals(32, mel.windowStart(10, 25));
        assertEquals(2, mel.windowStart(1, 29.97)); // int(2.669...) = 2
        assertEquals(84, mel.windowStart(1000, 25)); // clamped to the last 16 columns
    }
}
