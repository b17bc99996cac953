package io.lipdrop.lipsync.face;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes each job's {@link FaceStage} from the face-detector setting and the face models at hand, and names what
 * it uses (for the report, the log, the job key). {@code auto}: BlazeFace + face mesh when both models are
 * present, else the Haar cascade; {@code mesh}: the models, or an error; {@code haar}, {@code lbp} or a cascade
 * XML file: that cascade.
 */
public final class FaceStages {
    /** One face model file in use: its file name and SHA-256. */
    public record ModelFile(Path path, String sha256) {
        public String name() { return path.getFileName().toString(); }
    }

    private final String cascade;
    private final ModelFile detector;
    private final ModelFile landmarks;
    private final Padding padding;
    private final int smoothWindow;
    private final int every;
    private final int detectWidth;
    private final FaceChoice choice;

    private FaceStages(String cascade, ModelFile detector, ModelFile landmarks, Padding padding, int smoothWindow,
                       int every, int detectWidth) {
        this(cascade, detector, landmarks, padding, smoothWindow, every, detectWidth, FaceChoice.LARGEST);
    }

    private FaceStages(String cascade, ModelFile detector, ModelFile landmarks, Padding padding, int smoothWindow,
                       int every, int detectWidth, FaceChoice choice) {
        this.choice = choice;
        this.cascade = cascade;
        this.detector = detector;
        this.landmarks = landmarks;
        this.padding = padding;
        this.smoothWindow = smoothWindow;
        this.every = Math.max(1, every);
        this.detectWidth = detectWidth;
    }

    /** The trained models (BlazeFace full range, face mesh). */
    public static FaceStages mesh(ModelFile detector, ModelFile landmarks, Padding padding, int smoothWindow, int every) {
        return new FaceStages(null, detector, landmarks, padding, smoothWindow, every, 0);
    }

    /** An OpenCV cascade: haar, lbp or an XML file. */
    public static FaceStages cascade(String cascade, Padding padding, int smoothWindow, int every, int detectWidth) {
        return new FaceStages(cascade, null, null, padding, smoothWindow, every, detectWidth);
    }

    public boolean usesLandmarks() { return detector != null; }

    /** The same stage looking at every frame (the mouth library labels each template frame by its own landmarks). */
    public FaceStages everyFrame() {
        return every == 1 ? this : new FaceStages(cascade, detector, landmarks, padding, smoothWindow, 1, detectWidth, choice);
    }

    /** The same stage taking another face as the presenter when the template shows several. */
    public FaceStages choosing(FaceChoice c) {
        return c == choice ? this : new FaceStages(cascade, detector, landmarks, padding, smoothWindow, every, detectWidth, c);
    }

    public FaceChoice choice() { return choice; }
    public ModelFile detectorFile() { return detector; }
    public ModelFile landmarkFile() { return landmarks; }

    public FaceStage open() {
        if (usesLandmarks()) return new MeshFaceStage(detector.path(), landmarks.path(), padding, smoothWindow, every, choice);
        return new CascadeFaceStage(new CascadeFaceDetector(cascade, detectWidth), padding, smoothWindow, every, choice);
    }

    /** Short name for logs: "blazeface+mesh" or "haar cascade". */
    public String label() { return usesLandmarks() ? "blazeface+mesh" : cascade + " cascade"; }

    /** What the report records: detector and landmark model with their SHA-256. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        if (usesLandmarks()) {
            d.put("detector", Map.of("name", detector.name(), "sha256", detector.sha256()));
            d.put("landmarks", Map.of("name", landmarks.name(), "sha256", landmarks.sha256()));
        } else {
            d.put("detector", Map.of("name", cascade + " cascade (OpenCV)"));
        }
        d.put("every", every);
        if (choice != FaceChoice.LARGEST) d.put("choice", choice.label());
        d.put("smoothWindow", smoothWindow);
        return d;
    }

    /** What changes the pixels, for the job key: the models' hashes or the cascade, and a face choice other than the largest. */
    public String identity() {
        String id = usesLandmarks() ? "mesh:" + detector.sha256() + "," + landmarks.sha256() : "cascade:" + cascade + "@" + detectWidth;
        // the default adds nothing, so jobs made before the choice existed keep their keys
        return choice == FaceChoice.LARGEST ? id : id + ";face=" + choice.label();
    }
}
