package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;

import java.util.Arrays;
import java.util.List;

/**
 * Mouth targets from the viseme classifier: each viseme's typical mouth (open on "aa", rounded on "oh"/"ou",
 * spread on "E"/"ih", closed on p/b/m and in silence), weighted by the frame's viseme probabilities, with the
 * opening scaled by the syllable's loudness ({@link LoudnessTargets}) so stressed syllables open wider and a
 * quiet frame cannot open the mouth. Like the loudness targets, each frame hears the audio
 * {@link LoudnessTargets#LEAD_SECONDS} ahead, so the mouth leads the sound.
 */
public final class VisemeTargets {
    /** Openness (0..1) and spread (-1 round .. 1 spread) of each viseme, by name. */
    static final java.util.Map<String, float[]> SHAPES = java.util.Map.ofEntries(
            java.util.Map.entry("aa", new float[] {1.0f, 0.0f}), java.util.Map.entry("E", new float[] {0.55f, 0.7f}),
            java.util.Map.entry("ih", new float[] {0.25f, 0.9f}), java.util.Map.entry("oh", new float[] {0.75f, -0.6f}),
            java.util.Map.entry("ou", new float[] {0.35f, -1.0f}), java.util.Map.entry("PP", new float[] {0f, 0f}),
            java.util.Map.entry("SS", new float[] {0.2f, 0.5f}), java.util.Map.entry("TH", new float[] {0.25f, 0.2f}),
            java.util.Map.entry("DD", new float[] {0.3f, 0.2f}), java.util.Map.entry("FF", new float[] {0.1f, 0.1f}),
            java.util.Map.entry("kk", new float[] {0.35f, 0.1f}), java.util.Map.entry("nn", new float[] {0.25f, 0.1f}),
            java.util.Map.entry("RR", new float[] {0.3f, -0.4f}), java.util.Map.entry("CH", new float[] {0.3f, -0.4f}),
            java.util.Map.entry("sil", new float[] {0f, 0f}));

    private VisemeTargets() {}

    public static MouthTarget[] of(VisemeClassifier classifier, float[] pcm16k, double fps, int frames) {
        Builder b = new Builder(classifier, fps);
        b.accept(pcm16k, 0, pcm16k.length);
        return b.targets(frames);
    }

    /** The targets computed as the samples arrive (one decode, the audio never held whole). */
    public static final class Builder implements io.lipdrop.lipsync.audio.SampleSink {
        private final VisemeClassifier classifier;
        private final double fps;
        private final LoudnessTargets.Meter loudness;
        private final io.lipdrop.lipsync.audio.visemes.VisemeFeatures.Stream features;
        private final long lead = Math.round(LoudnessTargets.LEAD_SECONDS * 16000);
        private long taken;

        public Builder(VisemeClassifier classifier, double fps) {
            this.classifier = classifier;
            this.fps = fps;
            this.loudness = new LoudnessTargets.Meter(fps);
            this.features = classifier.streamFeatures();
        }

        @Override
        public void accept(float[] samples, int from, int to) {
            loudness.accept(samples, from, to);
            // the visemes hear the audio LEAD_SECONDS ahead: their features start that far in
            int skip = (int) Math.max(0, Math.min(to - from, lead - taken));
            features.accept(samples, from + skip, to);
            taken += to - from;
        }

        /** The loudness it measures as the samples arrive (the targets' own; the phonemes' targets read it too). */
        LoudnessTargets.Meter loudness() {
            return loudness;
        }

        public MouthTarget[] targets(int frames) {
            return combine(classifier.perFrame(features.finish(VisemeClassifier.TAIL_PADDING), fps, frames), loudness.targets(frames), frames);
        }
    }

    private static MouthTarget[] combine(float[][] p, MouthTarget[] loudness, int frames) {
        List<String> names = VisemeClassifier.VISEMES;
        double[] open = new double[frames], spread = new double[frames];
        for (int t = 0; t < frames; t++) {
            for (int v = 0; v < names.size(); v++) {
                float[] shape = SHAPES.get(names.get(v));
                open[t] += p[t][v] * shape[0];
                spread[t] += p[t][v] * shape[1];
            }
            double loud = loudness[t].openness();
            open[t] = loud <= 0 ? 0 : open[t] * (0.5 + 0.7 * loud);
        }
        // probabilities blur the visemes' extremes: scale so this speech's wide-open frames reach the presenter's widest
        double[] voiced = Arrays.stream(open).filter(o -> o > 0).sorted().toArray();
        double top = voiced.length == 0 ? 1 : Math.max(0.05, voiced[(int) (0.9 * (voiced.length - 1))]);
        MouthTarget[] out = new MouthTarget[frames];
        for (int t = 0; t < frames; t++) {
            out[t] = new MouthTarget((float) Math.min(1, open[t] / top), (float) Math.max(-1, Math.min(1, spread[t])));
        }
        return out;
    }
}
