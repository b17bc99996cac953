package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.lipsync.audio.visemes.VisemeClassifier.Gate;
import io.lipdrop.lipsync.audio.visemes.VisemeFeatures.Features;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shape of {@link VisemeClassifier#perFrame}'s answer, its alignment, and its cost. */
class VisemeClassifierTest {
    static VisemeClassifier classifier;
    static float[] speech;

    @BeforeAll
    static void load() throws Exception {
        classifier = VisemeClassifier.load(HeadAudioPackage.modelFile());
        speech = HeadAudioPackage.speech();
    }

    @Test
    void everyFrameIsADistributionOverTheFifteenVisemes() {
        for (double fps : new double[] {24, 25, 29.97, 30, 50, 60, 100}) {
            int frames = (int) Math.ceil(speech.length / 16000.0 * fps) + 5; // five past the end
            float[][] p = classifier.perFrame(speech, fps, frames);
            assertEquals(frames, p.length);
            for (int i = 0; i < frames; i++) {
                assertEquals(15, p[i].length);
                double sum = 0;
                for (float x : p[i]) {
                    assertTrue(x >= 0 && x <= 1, "frame " + i + " at " + fps + " fps: " + x);
                    sum += x;
                }
                assertEquals(1, sum, 1e-5, "frame " + i + " at " + fps + " fps");
            }
            // past the audio's end: the mouth at rest
            assertEquals(1f, p[frames - 1][VisemeClassifier.SIL], "after the end at " + fps + " fps");
        }
    }

    @Test
    void edgeCases() {
        assertEquals(0, classifier.perFrame(speech, 25, 0).length);
        float[][] none = classifier.perFrame(new float[0], 25, 3);
        for (float[] p : none) assertEquals(1f, p[VisemeClassifier.SIL]);
        float[][] zeros = classifier.perFrame(new float[16000], 25, 25);
        for (float[] p : zeros) assertEquals(1f, p[VisemeClassifier.SIL]);
        assertThrows(IllegalArgumentException.class, () -> classifier.perFrame(speech, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> classifier.perFrame(speech, Double.NaN, 10));
        assertThrows(IllegalArgumentException.class, () -> classifier.perFrame(speech, 25, -1));
        assertThrows(IllegalArgumentException.class, () -> new Gate(-50, -40));
    }

    @Test
    void hopsAreCentredOnTheirWindowsInTheInput() {
        // a 10 ms click at 0.5 s: the hop centred nearest to it has the most energy
        float[] pcm = new float[16000];
        for (int k = 7920; k < 8080; k++) pcm[k] = (float) Math.sin(k * 0.7) * 0.5f;
        Features f = classifier.processInput(pcm);
        int loudest = 0;
        for (int h = 1; h < f.hops(); h++) if (f.logEnergy()[h] > f.logEnergy()[loudest]) loudest = h;
        assertEquals(0.5, Features.centreSeconds(loudest), 0.008 + 1e-9, "hop " + loudest);
        assertEquals(240.0 / 16000, Features.centreSeconds(0), 1e-12);
        assertEquals((256 * 10 + 240.0) / 16000, Features.centreSeconds(10), 1e-12);
        // the padding puts a hop's centre within 16 ms of the last sample
        assertTrue(Features.centreSeconds(f.hops() - 1) >= 1.0 - 0.008, "last hop at " + Features.centreSeconds(f.hops() - 1));
        // the click's frame (12 at 25 fps: 0.48-0.52 s) is speech, its neighbours two frames away are not
        float[][] p = classifier.perFrame(pcm, 25, 25);
        assertTrue(p[12][VisemeClassifier.SIL] < 0.5, () -> "p(sil) " + p[12][VisemeClassifier.SIL]);
        assertEquals(1f, p[10][VisemeClassifier.SIL]);
        assertEquals(1f, p[14][VisemeClassifier.SIL]);
    }

    @Test
    void costPerSecondOfAudio() {
        int frames = (int) Math.ceil(speech.length / 16000.0 * 25);
        for (int k = 0; k < 30; k++) classifier.perFrame(speech, 25, frames);
        int reps = 30;
        long t0 = System.nanoTime();
        for (int k = 0; k < reps; k++) classifier.perFrame(speech, 25, frames);
        double msPerSecond = (System.nanoTime() - t0) / 1e6 / reps / (speech.length / 16000.0);
        System.out.printf("VisemeClassifier.perFrame: %.2f ms per second of audio (one thread, %d s of speech at 25 fps)%n",
                msPerSecond, speech.length / 16000);
        assertTrue(msPerSecond < 50, msPerSecond + " ms per second of audio");
    }
}
