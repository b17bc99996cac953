package io.lipdrop.lipsync;

import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;

import java.nio.file.Path;

/** The loaded model and the engine around it: what the pipeline's jobs and the sync command run on. */
public final class LipSyncService implements AutoCloseable {
    private final ModelLocator.ModelFile modelFile;
    private final Wav2LipModel model;
    private final LipSyncEngine engine;
    private final EngineSettings settings;

    public LipSyncService(ModelLocator.ModelFile modelFile, ProviderPreference provider, int cpuThreads, EngineSettings settings) {
        MediaLibraries.init();
        this.modelFile = modelFile;
        this.settings = settings;
        this.model = Wav2LipModel.load(modelFile.name(), modelFile.bytes(), provider, cpuThreads);
        this.engine = new LipSyncEngine(model, settings);
    }

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
