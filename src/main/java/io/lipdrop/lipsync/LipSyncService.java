package io.lipdrop.lipsync;

import io.lipdrop.lipsync.audio.visemes.VisemeModels;
import io.lipdrop.lipsync.captions.CaptionBurner;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.model.ModelRuntime;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lip-sync method and the engine around it: what the pipeline's jobs and the sync command run on. A neural
 * model in models/ (Wav2Lip-compatible ONNX) runs when there is one; otherwise the presenter's own mouths are
 * used (the mouth library, or the photo warp for a still picture). A job may ask for other picture settings
 * ({@link JobOptions}): another model, padding, detector, face or bit rate; models it names are loaded once and
 * kept for the service's life.
 */
public final class LipSyncService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LipSyncService.class);

    /** What a job runs with, resolved from its options; cheap to make (no model session is opened). */
    private record Plan(ModelLocator.ModelFile modelFile, ModelLocator.ModelFile toLoad, EngineSettings settings,
                        FaceStages faces, boolean visemes, String methodIdentity) {
        String outputAffecting() { return settings.outputAffecting() + ";faces=" + faces.identity() + methodIdentity; }
    }

    private final ModelLocator.ModelFile located;
    private final Path modelsDir;
    private final ModelRuntime runtime;
    private final EngineSettings settings;
    private final FaceModels faceModels;
    private final VisemeModels visemeModels;
    private final Map<JobOptions, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, ModelLocator.ModelFile> modelFiles = new ConcurrentHashMap<>();
    private final Map<String, Wav2LipModel> loaded = new ConcurrentHashMap<>();
    private final Plan base;
    private final Wav2LipModel model;
    private final LipSyncEngine engine;

    /** The method's identity in job keys when no neural model runs (bump it when the method's output changes). */
    static final String MOUTH_METHOD_ID = "lipdrop-mouth-library-1";

    /**
     * @param modelFile the neural model to run; the embedded default found by {@code lipdrop.model=auto} means "none
     *                  installed", and then the template's own mouths are used (when the face mesh is available)
     */
    public LipSyncService(ModelLocator.ModelFile modelFile, ProviderPreference provider, int cpuThreads, EngineSettings settings,
                          FaceModels faceModels, VisemeModels visemeModels) {
        this(modelFile, null, ModelRuntime.of(provider, cpuThreads), settings, faceModels, visemeModels);
    }

    /** @param runtime where a neural model runs; jobs cannot name another model */
    public LipSyncService(ModelLocator.ModelFile modelFile, ModelRuntime runtime, EngineSettings settings,
                          FaceModels faceModels, VisemeModels visemeModels) {
        this(modelFile, null, runtime, settings, faceModels, visemeModels);
    }

    /** @param modelsDir where the models a job names are looked for (null: jobs cannot name one); on the CPU or one GPU */
    public LipSyncService(ModelLocator.ModelFile modelFile, Path modelsDir, ProviderPreference provider, int cpuThreads,
                          EngineSettings settings, FaceModels faceModels, VisemeModels visemeModels) {
        this(modelFile, modelsDir, ModelRuntime.of(provider, cpuThreads), settings, faceModels, visemeModels);
    }

    /**
     * @param modelsDir where the models a job names are looked for (null: jobs cannot name one)
     * @param runtime   where a neural model runs: provider, CPU threads, GPUs (a session on each), CUDA library cache
     */
    public LipSyncService(ModelLocator.ModelFile modelFile, Path modelsDir, ModelRuntime runtime,
                          EngineSettings settings, FaceModels faceModels, VisemeModels visemeModels) {
        MediaLibraries.init();
        this.located = modelFile;
        this.modelsDir = modelsDir;
        this.runtime = runtime;
        this.settings = settings;
        this.faceModels = faceModels;
        this.visemeModels = visemeModels;
        this.base = plan(modelFile, settings, faceStages(settings, faceModels));
        if (modelFile.isDefault() && base.toLoad() != null) {
            LOG.warn("no neural model and no face mesh: using the baseline model {}, which only opens the jaw with loudness",
                    modelFile.name());
        }
        this.model = base.toLoad() == null ? null : Wav2LipModel.load(modelFile.name(), modelFile.bytes(), runtime);
        this.engine = engine(base, model);
        plans.put(JobOptions.DEFAULT, base);
    }

    /**
     * The model a job runs and how: the mouth library when no neural model is asked for and the face mesh gives
     * landmarks, else the neural model (the baseline when none is installed).
     */
    private Plan plan(ModelLocator.ModelFile requested, EngineSettings s, FaceStages faces) {
        boolean mouths = requested.isDefault() && faces.usesLandmarks();
        boolean visemes = mouths && visemeModels != null && visemeModels.available();
        ModelLocator.ModelFile identity = mouths ? new ModelLocator.ModelFile("mouth-library", new byte[0],
                io.lipdrop.files.ContentHasher.sha256(MOUTH_METHOD_ID.getBytes(java.nio.charset.StandardCharsets.UTF_8))) : requested;
        // what drives the mouths changes the pixels: outputs made on loudness alone are made again once the model is there
        String method = !mouths ? "" : ";targets=" + (visemes ? "visemes:" + visemeModels.sha256() : "loudness");
        return new Plan(identity, mouths ? null : requested, s, faces, visemes, method);
    }

    private Plan plan(JobOptions o) {
        // burned captions are drawn over the finished frame, and the language only picks the speech model: the same
        // model, face stage and engine settings
        return plans.computeIfAbsent(o.withBurnCaptions(false).withLanguage(null), options -> {
            EngineSettings s = options.applyTo(settings);
            FaceStages faces;
            try {
                faces = faceStages(s, faceModels).choosing(options.face());
            } catch (IllegalArgumentException e) {
                throw new UnusableInputException(Path.of("lipdrop.yaml"), "face-detector " + options.detector() + ": " + e.getMessage(),
                        "Use face-detector: auto, or install the face models on this node.");
            }
            return plan(requestedModel(options.model()), s, faces);
        });
    }

    /** The model a job names, by name and hash only: its bytes are read when it is loaded, not kept on the heap. */
    private ModelLocator.ModelFile requestedModel(String name) {
        if (name == null) return located;
        if (JobOptions.OWN_METHOD.equals(name) && located.isDefault()) return located;
        return modelFiles.computeIfAbsent(name, n -> {
            ModelLocator.ModelFile f = read(n);
            return new ModelLocator.ModelFile(f.name(), new byte[0], f.sha256(), f.isDefault());
        });
    }

    private ModelLocator.ModelFile read(String name) {
        if (JobOptions.OWN_METHOD.equals(name)) return ModelLocator.baseline(modelsDir != null ? modelsDir : Path.of("models"));
        if (modelsDir == null || !Files.isRegularFile(modelsDir.resolve(name))) {
            throw new UnusableInputException(Path.of(name), "model " + name + " is not installed in models/",
                    "Install it with `bin/lipdrop model add`, or name one `bin/lipdrop model list` shows.");
        }
        return ModelLocator.locate(name, modelsDir);
    }

    private Wav2LipModel load(ModelLocator.ModelFile f) {
        if (f.sha256().equals(located.sha256()) && model != null) return model;
        return loaded.computeIfAbsent(f.sha256(), sha -> {
            LOG.info("loading model {} for a job that asks for it", f.name());
            ModelLocator.ModelFile file = f.bytes().length > 0 ? f : read(f.isDefault() ? JobOptions.OWN_METHOD : f.name());
            if (!file.sha256().equals(sha)) {
                // replaced since it was first named: the job keys already made carry the first hash
                throw new IllegalStateException("model " + f.name() + " changed while LipDrop runs: restart LipDrop to use the new one");
            }
            return Wav2LipModel.load(file.name(), file.bytes(), runtime);
        });
    }

    private LipSyncEngine engine(Plan p, Wav2LipModel m) {
        return new LipSyncEngine(m, p.settings(), p.faces(), p.visemes() ? visemeModels.classifier().get() : null);
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
    public String outputAffecting() { return base.outputAffecting(); }

    /**
     * The same for a job with its own options; {@link JobOptions#DEFAULT} gives {@link #outputAffecting()}. Burned
     * captions change the pixels: they add the look's identity ({@link CaptionBurner#LOOK_ID}).
     */
    public String outputAffecting(JobOptions o) {
        return plan(o).outputAffecting() + (o.burnCaptions() ? ";captions=burn:" + CaptionBurner.LOOK_ID : "");
    }

    /** The SHA-256 of the model (or method) a job with these options runs, for its key. */
    public String modelSha(JobOptions o) { return plan(o).modelFile().sha256(); }

    public FaceStages faceStages() { return engine.faces(); }

    public SyncResult sync(Path audio, Path template, Path out, LipSyncEngine.Progress progress) throws Exception {
        return engine.sync(audio, template, out, progress);
    }

    /** One job with its own options (the node's engine when it has none). */
    public SyncResult sync(Path audio, Path template, Path out, JobOptions options, LipSyncEngine.Progress progress) throws Exception {
        return sync(audio, template, out, options, progress, HeardSpeech.NONE);
    }

    /** @param heard the speech's phonemes, worked out beside the picture: LipDrop's own method's mouths follow them */
    public SyncResult sync(Path audio, Path template, Path out, JobOptions options, LipSyncEngine.Progress progress,
                           HeardSpeech heard) throws Exception {
        Plan p = plan(options);
        boolean burn = options != null && options.burnCaptions();
        if (p == base) return engine.sync(audio, template, out, progress, heard, burn);
        return engine(p, p.toLoad() == null ? null : load(p.toLoad())).sync(audio, template, out, progress, heard, burn);
    }

    public String modelName() { return base.modelFile().name(); }
    public String modelSha() { return base.modelFile().sha256(); }
    public String provider() { return model == null ? "cpu" : model.provider().label(); }
    public String providerNote() { return model == null ? null : model.providerNote(); }
    public EngineSettings settings() { return settings; }

    @Override
    public void close() {
        if (model != null) model.close();
        loaded.values().forEach(Wav2LipModel::close);
    }
}
