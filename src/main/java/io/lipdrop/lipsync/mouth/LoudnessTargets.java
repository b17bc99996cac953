package io.lipdrop.lipsync.mouth;

import java.util.Arrays;

/**
 * Mouth targets from the speech's loudness alone, when no viseme model is at hand: the mouth opens with the
 * syllables' energy relative to this recording's own speech level and closes in pauses and on the short
 * silences of stop consonants. Each frame looks at the audio {@link #LEAD_SECONDS} ahead of its own time, so the
 * mouth leads the sound slightly, as real mouths do, and never trails it.
 */
public final class LoudnessTargets {
    static final double LEAD_SECONDS = 0.04;
    static final double WINDOW_SECONDS = 0.05;
    /** Below this level a frame is silence whatever the recording's own statistics say. */
    static final double SILENCE_DBFS = -45;

    private LoudnessTargets() {}

    public static MouthTarget[] of(float[] pcm16k, double fps, int frames) {
        double[] db = new double[frames];
        int half = (int) (WINDOW_SECONDS * 16000 / 2);
        for (int i = 0; i < frames; i++) {
            int centre = (int) Math.round(((i + 0.5) / fps + LEAD_SECONDS) * 16000);
            double sum = 0;
            int n = 0;
            for (int k = Math.max(0, centre - half); k < Math.min(pcm16k.length, centre + half); k++) {
                sum += pcm16k[k] * pcm16k[k];
                n++;
            }
            db[i] = n == 0 ? -120 : 10 * Math.log10(sum / n + 1e-12);
        }
        double[] voiced = Arrays.stream(db).filter(d -> d > SILENCE_DBFS).sorted().toArray();
        MouthTarget[] out = new MouthTarget[frames];
        if (voiced.length == 0) {
            Arrays.fill(out, MouthTarget.CLOSED);
            return out;
        }
        // the recording's own quiet speech and loud speech: opening scales between them
        double low = Math.max(SILENCE_DBFS, voiced[(int) (0.1 * (voiced.length - 1))] - 3);
        double high = Math.max(low + 6, voiced[(int) (0.9 * (voiced.length - 1))]);
        for (int i = 0; i < frames; i++) {
            double o = (db[i] - low) / (high - low);
            out[i] = new MouthTarget((float) Math.max(0, Math.min(1, o)), 0);
        }
        return out;
    }
}
