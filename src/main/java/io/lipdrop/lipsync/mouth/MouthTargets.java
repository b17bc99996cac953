package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;

/** What the speech asks of the mouth in each output frame, and what said so ("visemes" or "loudness"). */
public record MouthTargets(MouthTarget[] frames, String source) {
    /** @param visemes the viseme classifier, or null: the targets then follow the loudness alone */
    public static MouthTargets of(VisemeClassifier visemes, float[] pcm16k, double fps, int frames) {
        return visemes != null ? new MouthTargets(VisemeTargets.of(visemes, pcm16k, fps, frames), "visemes")
                : new MouthTargets(LoudnessTargets.of(pcm16k, fps, frames), "loudness");
    }
}
