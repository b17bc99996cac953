package io.lipdrop.lipsync.asr;

import java.util.Set;

/**
 * Which recognised words are shown. Vosk's small English model answers noise and near-silence with a lone "huh"
 * (measured: pink, white, blue, violet and brown noise at 0.02 and 0.3 amplitude, and -60 dBFS hiss gave "huh" at
 * confidence 0.47-0.73; a 50 Hz hum, beeps and a synthetic melody with drums gave nothing), so hesitation sounds are
 * never shown (captions leave them out anyway). Words it is unsure of are left out too: on espeak-ng and real speech
 * the words below 0.5 were mostly wrong ("fellow" for "Stella", "mild" for "results").
 */
public final class WordFilter {
    public static final double MIN_CONFIDENCE = 0.5;
    private static final Set<String> FILLERS = Set.of("huh", "uh", "um", "umm", "hmm", "mm", "mhm", "ah", "er", "erm", "[unk]");

    private WordFilter() {}

    public static boolean keep(Word w) {
        return w.confidence() >= MIN_CONFIDENCE && !FILLERS.contains(w.text()) && w.end() > w.start();
    }
}
