package io.lipdrop.lipsync;

import io.lipdrop.lipsync.audio.visemes.VisemeModels;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.model.ModelRuntime;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The lip-sync method and the engine around it: what the pipeline's jobs and the sync command run on. A neural
 * model in models/ (Wav2Lip-compatible ONNX) runs when there is one; otherwise the presenter's own mouths are
 * used (the mouth library, or the photo warp for a still picture).
 */
public final class LipSyncService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LipSyncService.class);
    private final ModelLocator.ModelFile modelFile;
    private final Wav2LipModel model;
    private final LipSyncEngine engine;
    private final EngineSettings settings;
    private final String methodIdentity;

    /** The method's identity in job keys when no neural model runs (bump it when the method's output changes). */
    static final String MOUTH_METHOD_ID = "lipdrop-mouth-library-1";

    /**
     * @param modelFile the neural model to run; the embedded default found by {@code lipdrop.model=auto} means "none
     *                  installed", and then the template's own mouths are used (when the face mesh is available)
     */
    public LipSyncService(ModelLocator.ModelFile modelFile, ProviderPreference provider, int cpuThreads, EngineSettings settings,
                          FaceModels faceModels, VisemeModels visemeModels) {
        this(modelFile, ModelRuntime.of(provider, cpuThreads), settings, faceModels, visemeModels);
    }

    /** @param runtime where a neural model runs: provider, CPU threads, GPUs (a session on each), CUDA library cache */
    public LipSyncService(ModelLocator.ModelFile modelFile, ModelRuntime runtime, EngineSettings settings,
                          FaceModels faceModels, VisemeModels visemeModels) {
        MediaLibraries.init();
        this.settings = settings;
        FaceStages faces = faceStages(settings, faceModels);
        boolean mouths = modelFile.isDefault() && faces.usesLandmarks();
        if (modelFile.isDefault() && !mouths) {
            LOG.warn("no neural model and no face mesh: using the baseline model {}, which only opens the jaw with loudness",
                    modelFile.name());
        }
        this.modelFile = mouths ? new ModelLocator.ModelFile("mouth-library", new byte[0],
                io.lipdrop.jobs.ContentHasher.sha256(MOUTH_METHOD_ID.getBytes(java.nio.charset.StandardCharsets.UTF_8))) : modelFile;
        this.model = mouths ? null : Wav2LipModel.load(modelFile.name(), modelFile.bytes(), runtime);
        boolean visemes = mouths && visemeModels != null && visemeModels.available();
        this.engine = new LipSyncEngine(model, settings, faces, visemes ? visemeModels.classifier().get() : null);
        // what drives the mouths changes the pixels: outputs made on loudness alone are made again once the model is there
        this.methodIdentity = !mouths ? "" : ";targets=" + (visemes ? "visemes:" + visemeModels.sha256() : "loudness");
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
    public String outputAffecting() { return settings.outputAffecting() + ";faces=" + engine.faces().identity() + methodIdentity; }

    public FaceStages faceStages() { return engine.faces(); }

    public SyncResult sync(Path audio, Path template, Path out, LipSyncEngine.Progress progress) throws Exception {
        return engine.sync(audio, template, out, progress);
    }

    public String modelName() { return modelFile.name(); }
    public String modelSha() { return modelFile.sha256(); }
    public String provider() { return model == null ? "cpu" : model.provider().label(); }
    public String providerNote() { return model == null ? null : model.providerNote(); }
    public EngineSettings settings() { return settings; }

    @Override
    public void close() { if (model != null) model.close(); }
}
