package io.lipdrop.lipsync;

import io.lipdrop.lipsync.asr.PhoneTiming;

import java.util.Optional;

/**
 * The phonemes of a job's speech with their times, worked out beside the picture (the speech recogniser and the
 * aligner run on a thread of their own): the engine asks for them when it makes the mouth targets.
 */
@FunctionalInterface
public interface HeardSpeech {
    /** Nothing heard: the mouth follows the viseme classifier (or the loudness). */
    HeardSpeech NONE = Optional::empty;

    /** Blocks until the timing is known; empty when there is none (no model, another language, a failure). */
    Optional<PhoneTiming> timing() throws InterruptedException;
}
