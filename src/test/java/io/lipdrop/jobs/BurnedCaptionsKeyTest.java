package io.lipdrop.jobs;

import io.lipdrop.intake.DropPlanner;
import io.lipdrop.intake.JobSettingsFile;
import io.lipdrop.job.Drop;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobTask;
import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two drops of the same audio and photo that differ only in {@code captions: burn} have different pixels, so they
 * must not share a result: their job keys differ, as the pipeline computes them (the drop planned from its folder, the
 * key from the service's {@code outputAffecting}). {@code captions: on} and {@code off} keep the key.
 */
class BurnedCaptionsKeyTest {
    @TempDir Path dir;

    @Test
    void burningTheCaptionsChangesTheJobKey() throws Exception {
        Path inbox = dir.resolve("inbox");
        Path models = Files.createDirectories(dir.resolve("models"));
        try (LipSyncService service = new LipSyncService(ModelLocator.baseline(dir.resolve("none")), models, ProviderPreference.CPU, 1,
                EngineSettings.defaults(), null, null)) {
            JobKeys keys = new JobKeys(service::modelSha, service::outputAffecting);
            DropPlanner planner = new DropPlanner(inbox, new JobSettingsFile(models), keys);
            JobTask plain = job(planner, inbox, "plain", null);
            JobTask on = job(planner, inbox, "on", "captions: on\n");
            JobTask off = job(planner, inbox, "off", "captions: off\n");
            JobTask burn = job(planner, inbox, "burn", "captions: burn\n");
            JobTask burnAgain = job(planner, inbox, "burn-again", "captions: burn\n");

            assertTrue(burn.settings().captionsBurned() && burn.settings().captions());
            assertEquals(keys.identify(plain), keys.identify(on), "captions: on is the default");
            assertEquals(keys.identify(plain), keys.identify(off), "the caption files do not change the picture");
            assertNotEquals(keys.identify(plain), keys.identify(burn), "burned captions are other pixels: another key");
            assertEquals(keys.identify(burn), keys.identify(burnAgain), "and the same drop again shares its result");
            assertEquals(keys.modelSha(plain), keys.modelSha(burn), "the same model runs");
            assertTrue(service.outputAffecting(burn.settings().picture()).startsWith(service.outputAffecting()),
                    "the node's settings and the burn's look: " + service.outputAffecting(burn.settings().picture()));
        }
    }

    /** A batch folder with the speech, the photo and (when given) its lipdrop.yaml, planned as the inbox route does. */
    private static JobTask job(DropPlanner planner, Path inbox, String name, String yaml) throws Exception {
        Path folder = Files.createDirectories(inbox.resolve(name));
        Fixtures.copy("speech_en_16k.wav", folder);
        Path photo = Fixtures.copy("face_astronaut.png", folder);
        if (yaml != null) Files.writeString(folder.resolve(JobSettingsFile.BATCH_FILE), yaml);
        Drop drop = planner.plan(photo.toFile());
        assertTrue(drop.isValid(), name + ": " + drop);
        assertEquals(1, drop.jobs().size());
        return drop.jobs().get(0);
    }
}
