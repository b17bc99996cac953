package io.lipdrop.lipsync.asr;

import java.util.List;

/**
 * What the recogniser heard in one audio: the words it kept, in order, and what that cost.
 *
 * @param words        the words kept ({@link WordFilter}), in time order
 * @param dropped      words the recogniser proposed that were not kept (fillers, low confidence)
 * @param audioSeconds the audio's length
 * @param wallSeconds  time taken
 * @param cpuSeconds   CPU time of the recognising thread (Vosk runs on it), which is what it takes from the picture stages
 */
public record Transcript(List<Word> words, int dropped, double audioSeconds, double wallSeconds, double cpuSeconds) {
    public Transcript {
        words = List.copyOf(words);
    }

    public boolean recognised() {
        return !words.isEmpty();
    }

    /** CPU seconds per minute of audio. */
    public double cpuSecondsPerMinute() {
        return audioSeconds <= 0 ? 0 : cpuSeconds * 60 / audioSeconds;
    }

    public String text() {
        return String.join(" ", words.stream().map(Word::text).toList());
    }
}
