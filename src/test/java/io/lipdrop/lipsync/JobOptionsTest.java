package io.lipdrop.lipsync;

import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job's own model and bit rate through the service, as the job runner passes them, with real FFmpeg and ONNX Runtime. */
class JobOptionsTest {
    @TempDir Path dir;

    @Test
    void aJobRunsTheModelAndBitRateItAsksFor() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.write(models.resolve("baseline.onnx"), DefaultModelGenerator.generate());
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", dir), 1.0);
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        EngineSettings auto = new JobOptions(null, null, "auto", null, null).applyTo(EngineSettings.defaults());
        try (LipSyncService service = new LipSyncService(ModelLocator.baseline(dir.resolve("none")), models, ProviderPreference.CPU, 2,
                auto, FaceModelsForTests.get(), null)) {
            SyncResult own = service.sync(speech, photo, dir.resolve("own.mp4"), JobOptions.DEFAULT, null);
            assertEquals("photo-warp", own.method().get("name"), "the node's method: no neural model installed");

            // a moving template (a slow zoom and pan over the photo): a still picture costs next to nothing at any bit rate
            Path video = TestMedia.videoFromPhoto(photo, dir.resolve("moving.mp4"), 480, 360, 1.0, 25);
            JobOptions neural = new JobOptions("baseline.onnx", null, null, null, 3_000_000);
            SyncResult r = service.sync(speech, video, dir.resolve("neural.mp4"), neural, null);
            assertEquals("baseline.onnx", r.model(), "the job's model ran");
            assertNotEquals(service.modelSha(), service.modelSha(neural), "and its hash goes into the key");
            JobOptions small = new JobOptions("baseline.onnx", null, null, null, 150_000);
            service.sync(speech, video, dir.resolve("small.mp4"), small, null);
            long big = Files.size(dir.resolve("neural.mp4")), little = Files.size(dir.resolve("small.mp4"));
            System.out.printf("3 Mbit/s: %d bytes, 150 kbit/s: %d bytes%n", big, little);
            assertTrue(big > 3 * little, "the bit rate asked for: " + big + " vs " + little + " bytes");
            assertNotEquals(service.outputAffecting(neural), service.outputAffecting(small));

            UnusableInputException missing = assertThrows(UnusableInputException.class,
                    () -> service.sync(speech, photo, dir.resolve("x.mp4"), new JobOptions("gone.onnx", null, null, null, null), null));
            assertTrue(missing.reason().contains("model gone.onnx is not installed"), missing.reason());
        }
    }
}
