package io.lipdrop.testing;

import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.models.FaceModelStore;
import io.lipdrop.lipsync.face.models.FaceModels;

import java.nio.file.Path;

/**
 * The real face models for tests, fetched once by the build into the project's models/face (as `mvn test`
 * does before the tests run) and verified by SHA-256. A test that needs them fails with the store's own
 * explanation when they cannot be had: the models are part of LipDrop's default, not optional for its tests.
 */
public final class FaceModelsForTests {
    private static FaceModels models;
    private static io.lipdrop.lipsync.audio.visemes.VisemeModels visemes;

    private FaceModelsForTests() {}

    public static synchronized FaceModels get() {
        if (models == null) {
            FaceModels m = new FaceModelStore(Path.of(System.getProperty("lipdrop.app", ".")).resolve("models").resolve("face")).ensure(true);
            if (!m.complete()) throw new IllegalStateException("face models unavailable: " + m.problem() + "; " + m.fix());
            models = m;
        }
        return models;
    }

    /** The default face stage (BlazeFace + face mesh) with the engine's default smoothing, every frame. */
    public static FaceStages stages() {
        EngineSettings e = EngineSettings.defaults();
        FaceModels m = get();
        return FaceStages.mesh(new FaceStages.ModelFile(m.detector().orElseThrow(), m.detectorSha256()),
                new FaceStages.ModelFile(m.landmarks().orElseThrow(), m.landmarksSha256()),
                LipSyncEngine.padding(e), e.smoothWindow(), 1);
    }

    /** HeadAudio's viseme classifier, fetched by the build into the project's models/visemes, as the service uses it. */
    public static synchronized io.lipdrop.lipsync.audio.visemes.VisemeClassifier visemes() {
        if (visemes == null) {
            var m = new io.lipdrop.lipsync.audio.visemes.VisemeModelStore(
                    Path.of(System.getProperty("lipdrop.app", ".")).resolve("models").resolve("visemes")).ensure(true);
            if (!m.available()) throw new IllegalStateException("viseme model unavailable: " + m.reason());
            visemes = m;
        }
        return visemes.classifier().orElseThrow();
    }
}
