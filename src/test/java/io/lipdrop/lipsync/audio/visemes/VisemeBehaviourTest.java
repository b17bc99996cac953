package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.lipsync.audio.visemes.VisemeClassifier.Gate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the classifier says about real speech: the English fixture (espeak-ng, 10 s) with 3 s of silence inserted at
 * the quietest point near its middle, at 25 fps. Measured on HeadAudio's model-en-mixed.bin (0.1.0): of 193 speech
 * frames, 85 (44 %) are open vowels (aa 18, E 23, ih 27, oh 9, ou 8), 14 (7 %) PP, 5 (2.6 %) sil; all 69 frames
 * inside the silence are sil.
 */
class VisemeBehaviourTest {
    static final double FPS = 25;
    static final int GAP = 3 * 16000;
    /** frames this close to the gap's edges belong to neither part */
    static final int MARGIN = 1600;
    static final List<Integer> OPEN_VOWELS = List.of(0, 1, 2, 3, 4); // aa E ih oh ou
    static final int PP = VisemeClassifier.VISEMES.indexOf("PP");

    static VisemeClassifier classifier;
    static float[] speech;
    static int cut;

    @BeforeAll
    static void load() throws Exception {
        classifier = VisemeClassifier.load(HeadAudioPackage.modelFile());
        speech = HeadAudioPackage.speech();
        cut = quietestNear(speech, speech.length / 2, 16000);
    }

    /** The centre of the quietest 30 ms within {@code reach} samples of {@code centre}: a pause between words. */
    static int quietestNear(float[] pcm, int centre, int reach) {
        int half = 240, best = centre;
        double least = Double.MAX_VALUE;
        for (int c = centre - reach; c < centre + reach; c += 80) {
            double e = 0;
            for (int k = c - half; k < c + half; k++) e += pcm[k] * pcm[k];
            if (e < least) {
                least = e;
                best = c;
            }
        }
        return best;
    }

    /** The speech with 3 s inserted at {@link #cut}: zeros, or white noise at {@code noiseDbfs}. */
    static float[] withGap(double noiseDbfs) {
        float[] pcm = new float[speech.length + GAP];
        System.arraycopy(speech, 0, pcm, 0, cut);
        System.arraycopy(speech, cut, pcm, cut + GAP, speech.length - cut);
        if (noiseDbfs > Double.NEGATIVE_INFINITY) {
            Random r = new Random(7);
            double amp = Math.pow(10, noiseDbfs / 20);
            for (int k = cut; k < cut + GAP; k++) pcm[k] = (float) (r.nextGaussian() * amp);
        }
        return pcm;
    }

    /** Per-frame statistics of one run. */
    record Stats(int silenceFrames, int silenceSil, double silenceMeanSil, int speechFrames, int[] speechArgmax,
                 double speechMeanSil) {
        int speech(int viseme) {
            return speechArgmax[viseme];
        }

        int openVowels() {
            return OPEN_VOWELS.stream().mapToInt(v -> speechArgmax[v]).sum();
        }

        String speechShares() {
            List<String> s = new ArrayList<>();
            for (int v = 0; v < speechArgmax.length; v++) s.add(VisemeClassifier.VISEMES.get(v) + " " + speechArgmax[v]);
            return String.join(", ", s);
        }

        @Override
        public String toString() {
            return String.format("silence: %d frames, sil the most probable in %d, mean p(sil) %.3f; speech: %d frames "
                            + "(open vowels %d = %.0f %%, PP %d, sil %d; mean p(sil) %.3f): %s", silenceFrames, silenceSil,
                    silenceMeanSil, speechFrames, openVowels(), 100.0 * openVowels() / speechFrames, speech(PP),
                    speech(VisemeClassifier.SIL), speechMeanSil, speechShares());
        }
    }

    static Stats run(VisemeClassifier c, float[] pcm) {
        int frames = (int) Math.ceil(pcm.length / 16000.0 * FPS);
        float[][] p = c.perFrame(pcm, FPS, frames);
        assertEquals(frames, p.length);
        int silenceFrames = 0, silenceSil = 0, speechFrames = 0;
        double silenceMean = 0, speechMean = 0;
        int[] argmax = new int[VisemeClassifier.VISEMES.size()];
        for (int i = 0; i < frames; i++) {
            int a0 = (int) (i / FPS * 16000), a1 = (int) Math.min(pcm.length, (i + 1) / FPS * 16000);
            int best = 0;
            for (int v = 1; v < p[i].length; v++) if (p[i][v] > p[i][best]) best = v;
            if (a0 >= cut + MARGIN && a1 <= cut + GAP - MARGIN) {
                silenceFrames++;
                silenceMean += p[i][VisemeClassifier.SIL];
                if (best == VisemeClassifier.SIL) silenceSil++;
            } else if (a1 <= cut - MARGIN || a0 >= cut + GAP + MARGIN) {
                // speech: the frame's own level is that of speech (above -35 dBFS)
                double e = 0;
                for (int k = a0; k < a1; k++) e += pcm[k] * pcm[k];
                if (10 * Math.log10(e / Math.max(1, a1 - a0) + 1e-12) > -35) {
                    speechFrames++;
                    speechMean += p[i][VisemeClassifier.SIL];
                    argmax[best]++;
                }
            }
        }
        return new Stats(silenceFrames, silenceSil, silenceMean / silenceFrames, speechFrames, argmax, speechMean / speechFrames);
    }

    @Test
    void silenceIsSilAndSpeechHasVowelsAndLipClosures() {
        Stats s = run(classifier, withGap(Double.NEGATIVE_INFINITY));
        System.out.println("3 s of digital silence: " + s);
        assertTrue(s.silenceFrames() >= 65, s::toString);
        // inside the silence: "sil" in every frame (measured: 69 of 69, mean p(sil) 1.000)
        assertEquals(s.silenceFrames(), s.silenceSil(), s::toString);
        assertTrue(s.silenceMeanSil() > 0.99, s::toString);
        assertTrue(s.speechFrames() >= 150, s::toString);
        // during speech "sil" rarely wins (measured 5 of 193 frames, 2.6 %; mean p(sil) 0.03)
        assertTrue(s.speech(VisemeClassifier.SIL) <= 0.10 * s.speechFrames(), s::toString);
        assertTrue(s.speechMeanSil() < 0.10, s::toString);
        // open vowels win a good share of speech frames (measured 85 of 193, 44 %)
        assertTrue(s.openVowels() >= 0.30 * s.speechFrames(), s::toString);
        // and the lips close: PP (p, b, m) wins some frames (measured 14 of 193, 7 %)
        assertTrue(s.speech(PP) >= 0.03 * s.speechFrames(), s::toString);
    }

    @Test
    void aQuietNoiseFloorIsSilenceToo() {
        // white noise at -70 dBFS reads -48.6 dB to the package's gate: below its -40 dB, so the gate stays shut
        Stats s = run(classifier, withGap(-70));
        System.out.println("3 s of -70 dBFS noise: " + s);
        assertEquals(s.silenceFrames(), s.silenceSil(), s::toString);
        assertTrue(s.openVowels() >= 0.30 * s.speechFrames(), s::toString);
    }

    @Test
    void aLouderNoiseFloorNeedsAHigherGate() {
        float[] pcm = withGap(-60);
        // -60 dBFS reads -38.6 dB: above the package's -40 dB, so its gate calls the noise speech, and the model
        // (whose "sil" prototype is digital silence) gives it speech visemes
        Stats fixed = run(classifier, pcm);
        System.out.println("3 s of -60 dBFS noise, the package's gate: " + fixed);
        assertTrue(fixed.silenceSil() < fixed.silenceFrames() / 2, fixed::toString);
        // a gate above that noise floor makes it silence again and keeps the speech
        Stats raised = run(classifier.withGate(new Gate(-30, -35)), pcm);
        System.out.println("3 s of -60 dBFS noise, gate -30/-35 dB: " + raised);
        assertEquals(raised.silenceFrames(), raised.silenceSil(), raised::toString);
        assertTrue(raised.speech(VisemeClassifier.SIL) <= 0.15 * raised.speechFrames(), raised::toString);
        assertTrue(raised.openVowels() >= 0.30 * raised.speechFrames(), raised::toString);
        assertTrue(raised.speech(PP) >= 0.02 * raised.speechFrames(), raised::toString);
    }
}
