package io.lipdrop.lipsync.face.models;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The face models LipDrop found (verified against their pinned SHA-256), or why not.
 *
 * @param detector        BlazeFace full-range .tflite, present only when its SHA-256 matched
 * @param detectorSha256  its SHA-256 (null when absent)
 * @param landmarks       the face mesh's face_landmark.tflite, present only when its SHA-256 matched
 * @param landmarksSha256 its SHA-256 (null when absent)
 * @param problem         null when both are present; otherwise what is wrong, in plain words
 * @param fix             null when both are present; otherwise what to do about it
 */
public record FaceModels(Optional<Path> detector, String detectorSha256, Optional<Path> landmarks,
                         String landmarksSha256, String problem, String fix) {

    public FaceModels {
        detector = detector == null ? Optional.empty() : detector;
        landmarks = landmarks == null ? Optional.empty() : landmarks;
    }

    /** Both models are there and verified. */
    public boolean complete() {
        return detector.isPresent() && landmarks.isPresent();
    }

    /** The one line LipDrop logs at start-up when it has to do without them. */
    public String fallbackWarning() {
        return "face models unavailable (" + problem + "): using the Haar cascade fallback; " + fix;
    }

    /**
     * The same without paths or package names, for places that mangle slashes (Camel's health endpoint
     * escapes its messages twice): which models run, or why the fallback is in use.
     */
    public String summary() {
        if (complete()) {
            return "BlazeFace " + FaceModelCatalog.DETECTOR.fileName() + " (SHA-256 " + detectorSha256 + ") and face mesh "
                    + FaceModelCatalog.LANDMARKS.fileName() + " (SHA-256 " + landmarksSha256 + "), " + FaceModelCatalog.LICENCE + ", verified";
        }
        String p = problem == null ? "" : problem;
        String reason;
        if (p.startsWith("npm is not installed") || p.startsWith("npm cannot run")) {
            reason = "npm is not installed; install npm (Debian: apt-get install npm) and start again";
        } else if (p.contains("npm pack") || p.contains("did not finish") || p.contains("did not work")) {
            reason = "npm could not fetch them (offline?); check the network and start again";
        } else if (p.contains(" not in ")) {
            reason = "they are not there; build LipDrop (it fetches them with npm)";
        } else {
            reason = "they could not be fetched or do not verify";
        }
        return "face models unavailable, using the Haar cascade fallback: " + reason + "; or copy "
                + (detector.isEmpty() ? FaceModelCatalog.DETECTOR.fileName() : "")
                + (detector.isEmpty() && landmarks.isEmpty() ? " and " : "")
                + (landmarks.isEmpty() ? FaceModelCatalog.LANDMARKS.fileName() : "")
                + " into LIPDROP_HOME's models folder, subfolder face (the problem and the fix in full: the log, or ?data=true)";
    }

    @Override
    public String toString() {
        return complete()
                ? "face models " + detector.get() + " (sha256 " + detectorSha256 + "), " + landmarks.get()
                  + " (sha256 " + landmarksSha256 + ")"
                : "face models unavailable: " + problem + "; " + fix;
    }
}
