package io.lipdrop.lipsync;

import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.lipsync.asr.Word;

import java.util.List;
import java.util.Optional;

/**
 * The words and phonemes of a job's speech with their times, worked out beside the picture (the speech recogniser and the
 * aligner run on a thread of their own): the engine asks for them when it makes the mouth targets.
 */
@FunctionalInterface
public interface HeardSpeech {
    /** Nothing heard: the mouth follows the viseme classifier (or the loudness). */
    HeardSpeech NONE = Optional::empty;

    /** Blocks until the timing is known; empty when there is none (no model, another language, a failure). */
    Optional<PhoneTiming> timing() throws InterruptedException;

    /**
     * The phonemes known so far once they reach {@code seconds} (or are all there will be): the photo warp's frames
     * go as the speech is heard. Empty when there is no timing.
     */
    default Optional<List<io.lipdrop.lipsync.asr.Phone>> phonesUpTo(double seconds) throws InterruptedException {
        return timing().map(PhoneTiming::phones);
    }

    /** The words heard, for captions burned into the picture; blocks until known; empty when none. */
    default List<Word> words() throws InterruptedException {
        return List.of();
    }
}
