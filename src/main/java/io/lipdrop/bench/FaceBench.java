package io.lipdrop.bench;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.VideoEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The face stage's own cost per template frame, the default (BlazeFace + face mesh) against the Haar cascade:
 * the first {@code frames} frames are decoded once per variant and only the face stage's work is timed.
 */
final class FaceBench {
    private FaceBench() {}

    static void run(Path template, int frames, EngineSettings s, FaceModels models) throws Exception {
        MediaLibraries.init();
        List<FaceStages> variants = new ArrayList<>();
        if (models.complete()) {
            FaceStages.ModelFile detector = new FaceStages.ModelFile(models.detector().get(), models.detectorSha256());
            FaceStages.ModelFile landmarks = new FaceStages.ModelFile(models.landmarks().get(), models.landmarksSha256());
            variants.add(FaceStages.mesh(detector, landmarks, LipSyncEngine.padding(s), s.smoothWindow(), s.detectEvery()));
            if (s.detectEvery() != 1) variants.add(FaceStages.mesh(detector, landmarks, LipSyncEngine.padding(s), s.smoothWindow(), 1));
        } else {
            System.out.println("face models unavailable (" + models.problem() + "): cascade only");
        }
        variants.add(FaceStages.cascade("haar", LipSyncEngine.padding(s), s.smoothWindow(), s.detectEvery(), s.detectWidth()));
        for (FaceStages variant : variants) {
            long[] busy = {0};
            int withFace = 0;
            try (TemplateSource source = new TemplateSource(template, s.reverseChunk(), VideoEncoder.frameLimit(s.encoders()));
                 FaceStage stage = variant.open()) {
                int seen = source.firstPass(frames, (i, image) -> {
                    long t = System.nanoTime();
                    stage.observe(i, image);
                    busy[0] += System.nanoTime() - t;
                });
                stage.end(seen);
                for (int i = 0; i < seen; i++) if (stage.face(i, source.width(), source.height()).isPresent()) withFace++;
                System.out.printf("face %s every %d: %.2f ms per frame over %d frames of %dx%d, face in %d, %d refused%n",
                        variant.label().replace(' ', '-'), (int) variant.describe().get("every"), busy[0] / 1e6 / seen, seen,
                        source.width(), source.height(), withFace, stage.refused());
            }
        }
    }
}
