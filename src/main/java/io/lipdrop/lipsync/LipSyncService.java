package io.lipdrop.lipsync;

import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;

import java.nio.file.Path;

/** The loaded model and the engine around it: what the pipeline's jobs and the sync command run on. */
public final class LipSyncService implements AutoCloseable {
    private final ModelLocator.ModelFile modelFile;
    private final Wav2LipModel model;
    private final LipSyncEngine engine;
    private final EngineSettings settings;

    public LipSyncService(ModelLocator.ModelFile modelFile, ProviderPreference provider, int cpuThreads, EngineSettings settings,
                          FaceModels faceModels) {
        MediaLibraries.init();
        this.modelFile = modelFile;
        this.settings = settings;
        FaceStages faces = faceStages(settings, faceModels);
        this.model = Wav2LipModel.load(modelFile.name(), modelFile.bytes(), provider, cpuThreads);
        this.engine = new LipSyncEngine(model, settings, faces);
    }

    /**
     * The face stage the face-detector setting asks for: {@code auto} takes the trained models when they are there
     * and the Haar cascade otherwise (the start-up log has said why); {@code mesh} insists on the models.
     */
    static FaceStages faceStages(EngineSettings s, FaceModels models) {
        String choice = s.cascade();
        boolean mesh = "mesh".equals(choice) || "auto".equals(choice);
        if (mesh && models != null && models.complete()) {
            return FaceStages.mesh(new FaceStages.ModelFile(models.detector().get(), models.detectorSha256()),
                    new FaceStages.ModelFile(models.landmarks().get(), models.landmarksSha256()),
                    LipSyncEngine.padding(s), s.smoothWindow(), s.detectEvery());
        }
        if ("mesh".equals(choice)) {
            throw new IllegalArgumentException("lipdrop.engine.face-detector=mesh, but the face models are unavailable: "
                    + (models == null ? "not looked for" : models.problem() + "; " + models.fix()));
        }
        return FaceStages.cascade("auto".equals(choice) ? "haar" : choice, LipSyncEngine.padding(s), s.smoothWindow(),
                s.detectEvery(), s.detectWidth());
    }

    /** What changes the pixels, for the job key: the engine's settings and the face stage actually used. */
    public String outputAffecting() { return settings.outputAffecting() + ";faces=" + engine.faces().identity(); }

    public FaceStages faceStages() { return engine.faces(); }

    public SyncResult sync(Path audio, Path template, Path out, LipSyncEngine.Progress progress) throws Exception {
        return engine.sync(audio, template, out, progress);
    }

    public String modelName() { return modelFile.name(); }
    public String modelSha() { return modelFile.sha256(); }
    public String provider() { return model.provider().label(); }
    public String providerNote() { return model.providerNote(); }
    public EngineSettings settings() { return settings; }

    @Override
    public void close() { model.close(); }
}
