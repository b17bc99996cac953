package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.audio.SampleSink;
import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;

/** What the speech asks of the mouth in each output frame, and what said so ("visemes" or "loudness"). */
public record MouthTargets(MouthTarget[] frames, String source) {
    /** @param visemes the viseme classifier, or null: the targets then follow the loudness alone */
    public static MouthTargets of(VisemeClassifier visemes, float[] pcm16k, double fps, int frames) {
        Builder b = builder(visemes, fps);
        b.accept(pcm16k, 0, pcm16k.length);
        return b.build(frames);
    }

    /** Targets computed while the audio is decoded: feed it the samples, then {@link Builder#build} them. */
    public static Builder builder(VisemeClassifier visemes, double fps) {
        return visemes != null ? new Builder(new VisemeTargets.Builder(visemes, fps), null, "visemes")
                : new Builder(null, new LoudnessTargets.Meter(fps), "loudness");
    }

    public static final class Builder implements SampleSink {
        private final VisemeTargets.Builder visemes;
        private final LoudnessTargets.Meter loudness;
        private final String source;

        private Builder(VisemeTargets.Builder visemes, LoudnessTargets.Meter loudness, String source) {
            this.visemes = visemes;
            this.loudness = loudness;
            this.source = source;
        }

        @Override
        public void accept(float[] samples, int from, int to) {
            if (visemes != null) visemes.accept(samples, from, to);
            else loudness.accept(samples, from, to);
        }

        public MouthTargets build(int frames) {
            return new MouthTargets(visemes != null ? visemes.targets(frames) : loudness.targets(frames), source);
        }
    }
}
