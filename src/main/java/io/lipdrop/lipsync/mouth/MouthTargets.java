package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.asr.Phone;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.lipsync.audio.SampleSink;
import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the speech asks of the mouth in each output frame, what said so, and the share of frames each source drove:
 * {@code asr:vosk-en} (the phonemes of recognised words, placed by forced alignment), {@code phonemes:sphinx4-en-us}
 * (phonemes heard where no word was accepted), {@code visemes:headaudio} (HeadAudio's viseme classifier) or
 * {@code loudness}.
 *
 * @param source the source of most frames
 */
public record MouthTargets(MouthTarget[] frames, String source, Map<String, Double> shares) {
    public static final String VISEMES = "visemes:headaudio";
    public static final String LOUDNESS = "loudness";

    public MouthTargets(MouthTarget[] frames, String source) {
        this(frames, source, Map.of(source, 1.0));
    }

    /** @param visemes the viseme classifier, or null: the targets then follow the loudness alone */
    public static MouthTargets of(VisemeClassifier visemes, float[] pcm16k, double fps, int frames) {
        Builder b = builder(visemes, fps);
        b.accept(pcm16k, 0, pcm16k.length);
        return b.build(frames);
    }

    /** Targets computed while the audio is decoded: feed it the samples, then {@link Builder#build} them. */
    public static Builder builder(VisemeClassifier visemes, double fps) {
        VisemeTargets.Builder v = visemes != null ? new VisemeTargets.Builder(visemes, fps) : null;
        // one loudness meter: the viseme targets' own when there are any
        return new Builder(v, v != null ? v.loudness() : new LoudnessTargets.Meter(fps), fps);
    }

    public static final class Builder implements SampleSink {
        private final VisemeTargets.Builder visemes;
        private final LoudnessTargets.Meter loudness;
        private final double fps;

        private Builder(VisemeTargets.Builder visemes, LoudnessTargets.Meter loudness, double fps) {
            this.visemes = visemes;
            this.loudness = loudness;
            this.fps = fps;
        }

        @Override
        public void accept(float[] samples, int from, int to) {
            if (visemes != null) visemes.accept(samples, from, to); // it feeds the loudness meter too
            else loudness.accept(samples, from, to);
        }

        /** Without phoneme timing: the viseme classifier's targets, or the loudness's. */
        public MouthTargets build(int frames) {
            return prepare(frames).all(Optional.empty());
        }

        /** With phoneme timing where it covers the frames: see {@link Prepared#all}. */
        public MouthTargets build(int frames, Optional<PhoneTiming> timing) {
            return prepare(frames).all(timing);
        }

        /** Once the audio is decoded: the loudness and the viseme classifier's targets, ready for the phonemes. */
        public Prepared prepare(int frames) {
            MouthTarget[] loud = loudness.targets(frames);
            return visemes != null ? new Prepared(loud, visemes.targets(frames), VISEMES, fps)
                    : new Prepared(loud, loud, LOUDNESS, fps);
        }
    }

    /** The targets that need no phonemes, and each frame's target once the phonemes around it are known. */
    public static final class Prepared {
        private final MouthTarget[] loudness, fallback;
        private final String fallbackSource;
        private final double fps;

        Prepared(MouthTarget[] loudness, MouthTarget[] fallback, String fallbackSource, double fps) {
            this.loudness = loudness;
            this.fallback = fallback;
            this.fallbackSource = fallbackSource;
            this.fps = fps;
        }

        /** How far (seconds) the phonemes must be known for {@link #at} to make frame {@code i}. */
        public double heardUpTo(int i) {
            return (i + 0.5) / fps + LoudnessTargets.LEAD_SECONDS + PhonemeTargets.HORIZON;
        }

        /**
         * Frame {@code i}'s target from the phonemes known so far (they must reach {@link PhonemeTargets#HORIZON} past
         * the frame's time): the same as {@link #all}'s for that frame.
         */
        public MouthTarget at(int i, Optional<List<Phone>> phones) {
            return phones.isEmpty() ? fallback[i] : frame(i, phones.get()).target();
        }

        /** Frame {@code i} from the phonemes where one covers it, else the fallback's (then not covered). */
        private PhonemeTargets.Frame frame(int i, List<Phone> phones) {
            PhonemeTargets.Frame f = PhonemeTargets.at(i, phones, fps, loudness[i].openness());
            return f.covered() ? f : new PhonemeTargets.Frame(fallback[i], false, false);
        }

        /**
         * With phoneme timing where it covers the frames (all of the speech, when the recogniser heard it); the frames it
         * does not cover keep the viseme classifier's (or the loudness's) targets.
         */
        public MouthTargets all(Optional<PhoneTiming> timing) {
            int frames = fallback.length;
            if (timing.isEmpty()) return new MouthTargets(fallback, fallbackSource);
            String words = "asr:" + timing.get().words(), heard = "phonemes:" + timing.get().aligner();
            MouthTarget[] out = new MouthTarget[frames];
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int i = 0; i < frames; i++) {
                PhonemeTargets.Frame f = frame(i, timing.get().phones());
                out[i] = f.target();
                counts.merge(!f.covered() ? fallbackSource : f.inWord() ? words : heard, 1, Integer::sum);
            }
            Map<String, Double> shares = new LinkedHashMap<>();
            String most = fallbackSource;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                shares.put(e.getKey(), Math.round(1000.0 * e.getValue() / Math.max(1, frames)) / 1000.0);
                if (e.getValue() > counts.getOrDefault(most, 0)) most = e.getKey();
            }
            return new MouthTargets(out, most, shares);
        }
    }
}
