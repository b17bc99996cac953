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
        Meter meter = new Meter(fps);
        meter.accept(pcm16k, 0, pcm16k.length);
        return meter.targets(frames);
    }

    /**
     * Each frame's loudness as the samples arrive: frame i's window is {@link #WINDOW_SECONDS} of audio centred
     * {@link #LEAD_SECONDS} after the frame's own time; a sample adds to every window it falls in (in order, so the
     * sums are those of a loop over a whole array). Holds two numbers a frame, never the audio.
     */
    public static final class Meter implements io.lipdrop.lipsync.audio.SampleSink {
        private final double fps;
        private final int half = (int) (WINDOW_SECONDS * 16000 / 2);
        private double[] sum = new double[256];
        private int[] count = new int[256];
        private long k;        // samples taken
        private int first;     // the first frame whose window has not ended yet

        public Meter(double fps) { this.fps = fps; }

        private long centre(int i) { return Math.round(((i + 0.5) / fps + LEAD_SECONDS) * 16000); }

        @Override
        public void accept(float[] samples, int from, int to) {
            for (int s = from; s < to; s++, k++) {
                while (centre(first) + half <= k) first++;
                float x = samples[s];
                for (int i = first; Math.max(0, centre(i) - half) <= k; i++) {
                    if (i >= sum.length) {
                        sum = Arrays.copyOf(sum, sum.length * 2);
                        count = Arrays.copyOf(count, count.length * 2);
                    }
                    sum[i] += x * x;
                    count[i]++;
                }
            }
        }

        /** The targets of {@code frames} frames; those past the audio's end are silent. */
        public MouthTarget[] targets(int frames) { return fromLevels(levels(frames)); }

        /** Each frame's level in dB (-120 where its window holds no audio). */
        double[] levels(int frames) {
            double[] db = new double[frames];
            for (int i = 0; i < frames; i++) {
                db[i] = i >= count.length || count[i] == 0 ? -120 : 10 * Math.log10(sum[i] / count[i] + 1e-12);
            }
            return db;
        }
    }

    private static MouthTarget[] fromLevels(double[] db) {
        int frames = db.length;
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
