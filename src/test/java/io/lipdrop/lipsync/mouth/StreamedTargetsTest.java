package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.FaceModelsForTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The mouth targets computed while the audio is decoded, chunk by chunk, are those of the whole array, to the
 * last bit: whatever the chunk sizes, and the loudness equal to the plain loop over the array it replaced.
 */
class StreamedTargetsTest {
    @TempDir Path dir;

    @Test
    void targetsFromChunksOfAnySizeAreThoseOfTheWholeAudio() throws Exception {
        float[] pcm = new AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", dir));
        VisemeClassifier visemes = FaceModelsForTests.visemes();
        for (double fps : new double[] {25, 29.97, 60}) {
            int frames = (int) Math.ceil(pcm.length * fps / 16000);
            MouthTarget[] whole = MouthTargets.of(visemes, pcm, fps, frames).frames();
            MouthTargets.Builder b = MouthTargets.builder(visemes, fps);
            int[] sizes = {1, 7, 511, 512, 513, 4096, 3};
            for (int at = 0, i = 0; at < pcm.length; i++) {
                int to = Math.min(pcm.length, at + sizes[i % sizes.length]);
                b.accept(pcm, at, to);
                at = to;
            }
            MouthTarget[] chunked = b.build(frames).frames();
            for (int t = 0; t < frames; t++) assertEquals(whole[t], chunked[t], "frame " + t + " at " + fps + " fps");

            LoudnessTargets.Meter m = new LoudnessTargets.Meter(fps);
            for (int at = 0; at < pcm.length; at += 1000) m.accept(pcm, at, Math.min(pcm.length, at + 1000));
            org.junit.jupiter.api.Assertions.assertArrayEquals(referenceLevels(pcm, fps, frames), m.levels(frames), 0.0,
                    "the meter's levels at " + fps + " fps");
        }
    }

    /** The loop the meter replaced: each frame's window summed over the whole array (kept to compare with). */
    private static double[] referenceLevels(float[] pcm16k, double fps, int frames) {
        double[] db = new double[frames];
        int half = (int) (LoudnessTargets.WINDOW_SECONDS * 16000 / 2);
        for (int i = 0; i < frames; i++) {
            int centre = (int) Math.round(((i + 0.5) / fps + LoudnessTargets.LEAD_SECONDS) * 16000);
            double sum = 0;
            int n = 0;
            for (int k = Math.max(0, centre - half); k < Math.min(pcm16k.length, centre + half); k++) {
                sum += pcm16k[k] * pcm16k[k];
                n++;
            }
            db[i] = n == 0 ? -120 : 10 * Math.log10(sum / n + 1e-12);
        }
        return db;
    }
}
