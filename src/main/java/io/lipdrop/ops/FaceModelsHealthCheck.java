package io.lipdrop.ops;

import io.lipdrop.lipsync.face.models.FaceModelCatalog;
import io.lipdrop.lipsync.face.models.FaceModels;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * The face models: which detector and landmark model run, with their SHA-256. Without them LipDrop still
 * works on the Haar cascade fallback, so the check stays UP (bin/lipdrop start reports DOWN as a failure to
 * be looked at) and says so in its message; its details ({@code ?data=true}) hold the paths, the SHA-256s,
 * and when the fallback is in use {@code fallback}, {@code problem} and {@code fix}.
 */
public final class FaceModelsHealthCheck extends AbstractHealthCheck {
    private final FaceModels models;

    public FaceModelsHealthCheck(FaceModels models) {
        super("lipdrop", "face-models");
        this.models = models;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        models.detector().ifPresentOrElse(
                p -> builder.detail("detector", p.toString()).detail("detectorSha256", models.detectorSha256()),
                () -> builder.detail("detector", "missing: " + FaceModelCatalog.DETECTOR.fileName()));
        models.landmarks().ifPresentOrElse(
                p -> builder.detail("landmarks", p.toString()).detail("landmarksSha256", models.landmarksSha256()),
                () -> builder.detail("landmarks", "missing: " + FaceModelCatalog.LANDMARKS.fileName()));
        // the message is what /observe/health shows without ?data=true; Camel escapes it twice, so it carries
        // no paths (the details, with paths, problem and fix, are in "data")
        if (!models.complete()) {
            builder.detail("fallback", "haar cascade").detail("problem", models.problem()).detail("fix", models.fix());
        }
        builder.message(models.summary()).up();
    }
}
