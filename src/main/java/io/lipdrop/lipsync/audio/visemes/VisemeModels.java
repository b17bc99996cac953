package io.lipdrop.lipsync.audio.visemes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The viseme model LipDrop found (verified against its pinned SHA-256 and loaded), or why not. A missing model
 * never stops LipDrop: {@link #classifier()} is then empty and {@link #reason()} says why and what to do.
 *
 * @param classifier the classifier on the verified model; empty when the model is not there or not usable
 * @param file       the verified model file (present also when it could not be loaded)
 * @param sha256     its SHA-256, null when absent
 * @param problem    null when the classifier is there; otherwise what is wrong, in plain words
 * @param fix        null when the classifier is there; otherwise what to do about it
 */
public record VisemeModels(Optional<VisemeClassifier> classifier, Optional<Path> file, String sha256, String problem,
                           String fix) {

    public VisemeModels {
        classifier = classifier == null ? Optional.empty() : classifier;
        file = file == null ? Optional.empty() : file;
    }

    public boolean available() {
        return classifier.isPresent();
    }

    /** Null when available; otherwise the problem and the fix in one line. */
    public String reason() {
        return available() ? null : problem + "; " + fix;
    }

    /** What LipDrop logs once when it has to do without the model. */
    public String warning() {
        return "viseme model unavailable (" + problem + "): mouth shapes follow the loudness alone; " + fix;
    }

    @Override
    public String toString() {
        return available()
                ? "viseme model " + file.orElseThrow() + " (" + VisemeModelStore.MODEL.describe() + ", "
                  + VisemeModelStore.MODEL.licence() + ", sha256 " + sha256 + ")"
                : "viseme model unavailable: " + reason();
    }
}
