package io.lipdrop.lipsync.asr;

import java.util.List;

/**
 * The phonemes of one audio with their times, and what that cost.
 *
 * @param words         who heard the words ("vosk-en")
 * @param aligner       who placed the phonemes ("sphinx4-en-us")
 * @param phones        in time order, silences included
 * @param wordsAligned  recognised words whose dictionary phonemes were placed in the audio
 * @param wordsRejected recognised words left to the phoneme recogniser: unknown to the dictionary, or their
 *                      phonemes fit the audio much worse than what the phoneme recogniser heard there
 * @param cpuSeconds    CPU time of the aligning thread
 */
public record PhoneTiming(String words, String aligner, List<Phone> phones, int wordsAligned, int wordsRejected, double audioSeconds, double cpuSeconds) {
    public PhoneTiming {
        phones = List.copyOf(phones);
    }

    public double cpuSecondsPerMinute() {
        return audioSeconds <= 0 ? 0 : cpuSeconds * 60 / audioSeconds;
    }
}
