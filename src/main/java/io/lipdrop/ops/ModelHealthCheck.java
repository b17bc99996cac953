package io.lipdrop.ops;

import io.lipdrop.lipsync.LipSyncService;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** UP once the model is loaded; says which model and which execution provider runs it. */
public final class ModelHealthCheck extends AbstractHealthCheck {
    private final LipSyncService lipSync;

    public ModelHealthCheck(LipSyncService lipSync) {
        super("lipdrop", "model");
        this.lipSync = lipSync;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("model", lipSync.modelName()).detail("provider", lipSync.provider());
        if (lipSync.providerNote() != null) builder.detail("providerNote", lipSync.providerNote());
        builder.message(lipSync.modelName() + " on " + lipSync.provider()).up();
    }
}
