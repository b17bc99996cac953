package io.lipdrop.jobs;

import io.lipdrop.intake.Drop;
import io.lipdrop.intake.DropPlanner;
import io.lipdrop.intake.JobTask;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobOutcomesTest {
    @TempDir Path home;

    @Test
    void aJobThatKeepsFailingIsRetriedThenQuarantinedOnItsLastAttempt() throws Exception {
        Path inbox = home.resolve("inbox");
        Fixtures.copy("speech_en_16k.wav", inbox, "anna.wav");
        Fixtures.copy("face_astronaut.png", inbox, "anna.png");
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            var metrics = io.lipdrop.ops.LipDropMetrics.none();
            JobOutcomes outcomes = new JobOutcomes(store, new Quarantine(inbox, home.resolve("archive")), 3, metrics,
                    new DuplicateDelivery(store, home.resolve("outbox"), false, metrics, CallbackQueue.NONE), CallbackQueue.NONE);
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            for (int attempt = 1; attempt <= 3; attempt++) {
                Drop drop = new DropPlanner(inbox).plan(inbox.resolve("anna.wav").toFile());
                JobTask job = drop.jobs().get(0);
                assertTrue(repo.add("k"), "attempt " + attempt + " may run");
                repo.remove("k");
                outcomes.failed(job, "k", new IllegalStateException("GPU fell off the bus"));
                // the outcome is in the store, where the archiver reads it
                assertEquals(attempt < 3 ? JobStatus.FAILED : JobStatus.QUARANTINED, store.find("k").orElseThrow().status());
            }
            assertEquals(JobStatus.QUARANTINED, store.find("k").orElseThrow().status());
            Path report = home.resolve("archive/failed").resolve(LocalDate.now().toString()).resolve("anna.png.error.txt");
            String text = Files.readString(report);
            assertTrue(text.contains("processing failed 3 times") && text.contains("GPU fell off the bus") && text.contains("Attempts: 3"), text);
            assertTrue(Files.exists(report.resolveSibling("anna.wav")));
        }
    }
}
