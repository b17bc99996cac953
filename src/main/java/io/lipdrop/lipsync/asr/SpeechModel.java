package io.lipdrop.lipsync.asr;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The speech model LipDrop found (verified against its pinned hashes), or why not. A missing model never stops
 * LipDrop: jobs are made as before, without captions, and {@link #warning()} is the one line that says so.
 *
 * @param dir     the verified model folder ({@code models/asr/en}); empty when absent
 * @param archive which model
 * @param problem null when present; otherwise what is wrong, in plain words
 * @param fix     null when present; otherwise what to do about it
 */
public record SpeechModel(Optional<Path> dir, ModelArchive archive, String problem, String fix) {
    public SpeechModel {
        dir = dir == null ? Optional.empty() : dir;
    }

    public static SpeechModel at(Path dir, ModelArchive archive) {
        return new SpeechModel(Optional.of(dir), archive, null, null);
    }

    public static SpeechModel missing(ModelArchive archive, String problem, String fix) {
        return new SpeechModel(Optional.empty(), archive, problem, fix);
    }

    public boolean available() {
        return dir.isPresent();
    }

    /** What LipDrop logs once when it has to do without the model. */
    public String warning() {
        return archive.what() + " unavailable (" + problem + "): " + (archive == ModelArchive.VOSK_EN
                ? "jobs are made without captions and the mouth follows the viseme model's targets; "
                : "the mouth follows the viseme model's targets; ") + fix;
    }

    @Override
    public String toString() {
        return available() ? archive.what() + " " + dir.orElseThrow() + " (" + archive + ", " + archive.licence() + ")"
                : archive.what() + " unavailable: " + problem + "; " + fix;
    }
}
