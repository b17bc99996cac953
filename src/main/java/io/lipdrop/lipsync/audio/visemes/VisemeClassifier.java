package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.lipsync.audio.visemes.VisemeFeatures.Features;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the speech asks of the mouth, per video frame: the probabilities of the 15 Oculus visemes, from
 * HeadAudio's viseme model ({@code @met4citizen/headaudio} 0.1.0, MIT). Three stages, kept apart in the manner of
 * a Deep Java Library translator:
 * <ol>
 *   <li>pre-processing, {@link #processInput}: the audio followed by {@value #TAIL_PADDING} zeros (so that its
 *       last samples lie inside a window) to {@link VisemeFeatures}, 62.5 hops a second;</li>
 *   <li>model evaluation, {@link #evaluate}: per hop, each viseme's distance to the hop's features
 *       ({@link VisemeModel#visemeDistances});</li>
 *   <li>post-processing, {@link #processOutput} and {@link #toVideoFrames}: the package's voice-activity gate
 *       (a hop is speech from when its energy exceeds {@value #GATE_OPEN_DB} dB until it falls below
 *       {@value #GATE_CLOSE_DB} dB, see {@link Gate}; outside speech the mouth is at rest, "sil" = 1, as the
 *       package sends no viseme then); inside speech the posterior {@code p(v) ~ exp(-d(v) / 2)} over the visemes' distances,
 *       the Gaussian likelihood with equal normalising constants, whose most probable viseme is exactly the
 *       package's nearest-prototype choice; then the hops' posteriors averaged onto the video frames.</li>
 * </ol>
 *
 * <p><b>Alignment.</b> Hop {@code h} describes a 32 ms window centred on input sample {@code 256 h + 240}
 * (the window's middle less the package's 15.5-sample low-pass delay, {@link VisemeFeatures#FIRST_CENTRE}); it
 * stands for the 16 ms around that centre, so the hops tile the time axis. Video frame {@code i}, shown from
 * {@code i/fps} to {@code (i+1)/fps} (centred at {@code (i+0.5)/fps}), gets the average of the hops' posteriors
 * weighted by how much of their 16 ms lies inside its interval: at 25 fps about 2.5 hops a frame. This is
 * offline and centred, so there is no latency: not the package's real-time ~50 ms (its window, plus a majority
 * vote over the last 6 hops, which is left out here because probabilities need no such hard-decision smoothing).
 * A caller that wants the mouth to lead the sound shifts the frame times itself. Frames after the audio's end
 * (or before the first window's reach, the first 7 ms) that no hop covers are "sil".
 *
 * <p>Immutable and thread-safe. Cost: about 1.5 ms of one core per second of audio (measured on a 2-core
 * machine: 1.3 to 1.6 ms).
 */
public final class VisemeClassifier {
    /**
     * The visemes in the model's order (its viseme ids 0..14), by their Oculus names; the package calls
     * ih, oh and ou {@code viseme_I}, {@code viseme_O} and {@code viseme_U}.
     */
    public static final List<String> VISEMES = List.of(
            "aa", "E", "ih", "oh", "ou", "PP", "SS", "TH", "DD", "FF", "kk", "nn", "RR", "CH", "sil");
    /** Index of "sil" in {@link #VISEMES}. */
    public static final int SIL = 14;
    /** The package's voice-activity gate: speech starts above this level (10 log10 of a window's energy). */
    public static final double GATE_OPEN_DB = -40;
    /** ... and ends below this one. */
    public static final double GATE_CLOSE_DB = -50;

    /**
     * The voice-activity gate's levels, in the package's dB (10 log10 of a window's energy: white noise at
     * -60 dBFS reads -38.6 dB here, at -70 dBFS -48.6 dB). The package's levels ({@link #HEADAUDIO}) are absolute
     * and suit clean recordings; a recording with a noise floor near -60 dBFS or louder needs higher ones, or its
     * pauses read as speech (the model's "sil" prototype is digital silence, so it does not catch noise).
     */
    public record Gate(double openDb, double closeDb) {
        public static final Gate HEADAUDIO = new Gate(GATE_OPEN_DB, GATE_CLOSE_DB);

        public Gate {
            if (!(closeDb <= openDb)) {
                throw new IllegalArgumentException("the gate must close at or below where it opens: " + closeDb + " > " + openDb);
            }
        }
    }

    /** Hops the level must stay past a threshold to switch: the package's 10 ms, rounded to whole hops. */
    static final int GATE_HOPS = Math.max(1, (int) Math.round(10 * (VisemeFeatures.SAMPLE_RATE / (double) VisemeFeatures.HOP) / 1000));
    /** Zeros appended to the audio so its last samples are inside a window. */
    public static final int TAIL_PADDING = VisemeFeatures.WINDOW;

    private final VisemeModel model;
    private final Gate gate;
    private final VisemeFeatures features = new VisemeFeatures();

    /** With the package's gate levels. */
    public VisemeClassifier(VisemeModel model) {
        this(model, Gate.HEADAUDIO);
    }

    public VisemeClassifier(VisemeModel model, Gate gate) {
        this.model = Objects.requireNonNull(model, "model");
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** The same model with other gate levels. */
    public VisemeClassifier withGate(Gate other) {
        return new VisemeClassifier(model, other);
    }

    public Gate gate() {
        return gate;
    }

    /** A classifier on the model file {@code bin} (see {@link VisemeModel#load}). */
    public static VisemeClassifier load(Path bin) throws IOException {
        return new VisemeClassifier(VisemeModel.load(bin));
    }

    public VisemeModel model() {
        return model;
    }

    /**
     * For each output video frame {@code i} (centred at {@code (i+0.5)/fps}), the probabilities of the
     * {@link #VISEMES}, in that order, summing to 1.
     *
     * @param pcm16k mono 16 kHz PCM in [-1, 1], e.g. from {@code AudioDecoder.decodeMono16k}
     * @param fps    the video's frame rate
     * @param frames how many frames to describe (frames past the audio's end are "sil")
     */
    public float[][] perFrame(float[] pcm16k, double fps, int frames) {
        return perFrame(processInput(pcm16k), fps, frames);
    }

    /** The probabilities per model hop; hop {@code h} is centred at {@link Features#centreSeconds}{@code (h)}. */
    public float[][] perHop(float[] pcm16k) {
        return perHop(processInput(pcm16k));
    }

    /** {@link #perFrame(float[], double, int)} from features already computed ({@link #streamFeatures}). */
    public float[][] perFrame(Features f, double fps, int frames) {
        if (!(fps > 0) || Double.isInfinite(fps)) throw new IllegalArgumentException("fps must be positive, not " + fps);
        if (frames < 0) throw new IllegalArgumentException("frames must not be negative, not " + frames);
        return toVideoFrames(perHop(f), fps, frames);
    }

    /** The features as the samples arrive; finish them with {@link #TAIL_PADDING}, as {@link #processInput} does. */
    public VisemeFeatures.Stream streamFeatures() { return features.stream(); }

    private float[][] perHop(Features f) {
        // evaluate and processOutput hop by hop: no table of every hop's distances (as much again as the features)
        boolean[] speech = speech(f.logEnergy(), gate);
        float[][] p = new float[f.hops()][];
        for (int h = 0; h < p.length; h++) p[h] = speech[h] ? posterior(model.visemeDistances(f.vectors()[h])) : silence();
        return p;
    }

    // ------------------------------------------------------------------------------------------ pre-processing

    /** The features of the audio followed by {@link #TAIL_PADDING} zeros. */
    public Features processInput(float[] pcm16k) {
        return features.compute(pcm16k, TAIL_PADDING);
    }

    // ---------------------------------------------------------------------------------------- model evaluation

    /** Per hop, each viseme's distance (its nearest prototype's squared Mahalanobis distance). */
    public double[][] evaluate(Features f) {
        double[][] d = new double[f.hops()][];
        for (int h = 0; h < d.length; h++) d[h] = model.visemeDistances(f.vectors()[h]);
        return d;
    }

    // ----------------------------------------------------------------------------------------- post-processing

    /** Per hop, the viseme probabilities: "sil" alone where the gate says no speech, else the posterior. */
    public float[][] processOutput(Features f, double[][] distances) {
        boolean[] speech = speech(f.logEnergy(), gate);
        float[][] p = new float[distances.length][];
        for (int h = 0; h < p.length; h++) p[h] = speech[h] ? posterior(distances[h]) : silence();
        return p;
    }

    /** {@code p(v) ~ exp(-d(v) / 2)}, computed from the smallest distance so nothing underflows to 0/0. */
    static float[] posterior(double[] d) {
        double min = Double.POSITIVE_INFINITY;
        for (double x : d) min = Math.min(min, x);
        double[] e = new double[d.length];
        double sum = 0;
        for (int v = 0; v < d.length; v++) {
            e[v] = Double.isInfinite(d[v]) ? 0 : Math.exp(-(d[v] - min) / 2);
            sum += e[v];
        }
        float[] p = new float[d.length];
        for (int v = 0; v < d.length; v++) p[v] = (float) (e[v] / sum);
        return p;
    }

    /**
     * The package's voice-activity gate over the hops' log energies: closed at first; it opens once the level
     * has been above {@link Gate#openDb} for {@link #GATE_HOPS} hops (a hop below counts one back) and closes
     * once it has been below {@link Gate#closeDb} as long.
     */
    static boolean[] speech(float[] logEnergy, Gate gate) {
        boolean[] open = new boolean[logEnergy.length];
        boolean active = false;
        int above = 0, below = 0;
        for (int h = 0; h < logEnergy.length; h++) {
            double db = 10 * logEnergy[h];
            if (active) {
                if (db < gate.closeDb()) {
                    if (++below >= GATE_HOPS) {
                        active = false;
                        above = 0;
                    }
                } else if (below > 0) {
                    below--;
                }
            } else {
                if (db > gate.openDb()) {
                    if (++above >= GATE_HOPS) {
                        active = true;
                        below = 0;
                    }
                } else if (above > 0) {
                    above--;
                }
            }
            open[h] = active;
        }
        return open;
    }

    private static float[] silence() {
        float[] p = new float[VISEMES.size()];
        p[SIL] = 1;
        return p;
    }

    /**
     * The hops' probabilities on video frames: frame {@code i} averages the hops over {@code [i/fps, (i+1)/fps)},
     * each weighted by the part of its 16 ms span inside; "sil" where no hop reaches.
     */
    public static float[][] toVideoFrames(float[][] perHop, double fps, int frames) {
        double rate = VisemeFeatures.SAMPLE_RATE, hop = VisemeFeatures.HOP, first = VisemeFeatures.FIRST_CENTRE;
        float[][] out = new float[frames][];
        double[] acc = new double[VISEMES.size()];
        for (int i = 0; i < frames; i++) {
            // in input samples
            double t0 = i / fps * rate, t1 = (i + 1) / fps * rate;
            int hFirst = (int) Math.max(0, Math.floor((t0 - first - hop / 2) / hop));
            int hLast = (int) Math.min(perHop.length - 1L, (long) Math.ceil((t1 - first + hop / 2) / hop));
            Arrays.fill(acc, 0);
            double total = 0;
            for (int h = hFirst; h <= hLast; h++) {
                double centre = h * hop + first;
                double w = Math.min(t1, centre + hop / 2) - Math.max(t0, centre - hop / 2);
                if (w <= 0) continue;
                for (int v = 0; v < acc.length; v++) acc[v] += w * perHop[h][v];
                total += w;
            }
            if (total <= 0) {
                out[i] = silence();
                continue;
            }
            double sum = 0;
            for (double a : acc) sum += a;
            float[] p = new float[acc.length];
            for (int v = 0; v < acc.length; v++) p[v] = (float) (acc[v] / sum);
            out[i] = p;
        }
        return out;
    }
}
