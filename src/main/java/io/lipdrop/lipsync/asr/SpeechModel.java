package io.lipdrop.lipsync.asr;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The speech model LipDrop found (verified against its pinned hashes), or why not. A missing model never stops
 * LipDrop: jobs are made as before, without captions, and {@link #warning()} is the one line that says so.
 *
 * @param dir     the verified model folder ({@code models/asr/en}); empty when absent
 * @param problem null when present; otherwise what is wrong, in plain words
 * @param fix     null when present; otherwise what to do about it
 */
public record SpeechModel(Optional<Path> dir, String problem, String fix) {
    public SpeechModel {
        dir = dir == null ? Optional.empty() : dir;
    }

    public static SpeechModel at(Path dir) {
        return new SpeechModel(Optional.of(dir), null, null);
    }

    public static SpeechModel missing(String problem, String fix) {
        return new SpeechModel(Optional.empty(), problem, fix);
    }

    public boolean available() {
        return dir.isPresent();
    }

    /** What LipDrop logs once when it has to do without the model. */
    public String warning() {
        return "speech model unavailable (" + problem + "): jobs are made without captions, the mouth follows today's targets; " + fix;
    }

    @Override
    public String toString() {
        return available() ? "speech model " + dir.orElseThrow() + " (" + SpeechModelStore.MODEL + ", " + SpeechModelStore.LICENCE + ")"
                : "speech model unavailable: " + problem + "; " + fix;
    }
}
