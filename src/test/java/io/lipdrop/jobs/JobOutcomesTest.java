package io.lipdrop.jobs;

import io.lipdrop.intake.DropPlanner;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.Drop;
import io.lipdrop.job.IntakeGate;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.JobTask;
import io.lipdrop.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobOutcomesTest {
    @TempDir Path home;

    @Test
    void aJobThatKeepsFailingIsRetriedThenQuarantinedOnItsLastAttempt() throws Exception {
        Path inbox = home.resolve("inbox");
        Fixtures.copy("speech_en_16k.wav", inbox, "anna.wav");
        Fixtures.copy("face_astronaut.png", inbox, "anna.png");
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            var metrics = io.lipdrop.metrics.LipDropMetrics.none();
            JobOutcomes outcomes = new JobOutcomes(store, new Quarantine(inbox, home.resolve("archive")), 3, metrics,
                    new DuplicateDelivery(store, home.resolve("outbox"), false, metrics, CallbackQueue.NONE), CallbackQueue.NONE,
                    pauseFor(store));
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            for (int attempt = 1; attempt <= 3; attempt++) {
                Drop drop = new DropPlanner(inbox, new JobKeys("model", "settings")).plan(inbox.resolve("anna.wav").toFile());
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

    /**
     * FFmpeg's ENOSPC as javacv reports it, wrapped as Camel hands it over: the node pauses, the job goes back
     * untried however often it happens, and nothing is quarantined; an error of the input still counts.
     */
    @Test
    void aFullDiskPausesTheNodeAndNeverCountsAnAttemptOrBlamesTheInput() throws Exception {
        Path inbox = home.resolve("inbox");
        Fixtures.copy("speech_en_16k.wav", inbox, "anna.wav");
        Fixtures.copy("face_astronaut.png", inbox, "anna.png");
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            var metrics = io.lipdrop.metrics.LipDropMetrics.none();
            IntakeGate gate = new IntakeGate();
            NodePause pause = new NodePause(gate, new NodeProbe(java.util.Map.of("home", home), 0, store), store, 0);
            JobOutcomes outcomes = new JobOutcomes(store, new Quarantine(inbox, home.resolve("archive")), 3, metrics,
                    new DuplicateDelivery(store, home.resolve("outbox"), false, metrics, CallbackQueue.NONE), CallbackQueue.NONE, pause);
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            JobTask job = new DropPlanner(inbox, new JobKeys("model", "settings")).plan(inbox.resolve("anna.wav").toFile()).jobs().get(0);
            for (int attempt = 1; attempt <= 5; attempt++) {
                assertTrue(repo.add("k"), "attempt " + attempt + " may run");
                repo.remove("k");
                Exception enospc = new org.apache.camel.CamelExecutionException("Exception occurred during execution on the exchange",
                        null, new org.bytedeco.javacv.FrameRecorder.Exception(
                        "av_interleaved_write_frame() error -28 while writing interleaved video packet."));
                outcomes.failed(job, "k", enospc);
                JobRecord r = store.find("k").orElseThrow();
                assertEquals(JobStatus.QUEUED, r.status());
                assertEquals(0, r.attempts(), "a fault of the machine is not an attempt");
                assertTrue(r.error().contains("the disk is full"), r.error());
                assertTrue(pause.isPaused() && !gate.isOpen(), "intake is held at once");
                assertTrue(pause.reason().orElseThrow().contains("error -28"), pause.reason().toString());
            }
            assertFalse(Files.exists(home.resolve("archive/failed")), "nothing quarantined");
            pause.probe(); // the disk has room (the probe's own files fit): the node resumes
            assertTrue(gate.isOpen() && !pause.isPaused());

            // the input's own failure still counts, and its reason is the cause, not Camel's envelope
            assertTrue(repo.add("k"));
            repo.remove("k");
            outcomes.failed(job, "k", new org.apache.camel.CamelExecutionException("Exception occurred during execution on the exchange",
                    null, new IllegalArgumentException("the audio has no samples")));
            JobRecord r = store.find("k").orElseThrow();
            assertEquals(JobStatus.FAILED, r.status());
            assertEquals(1, r.attempts());
            assertEquals("IllegalArgumentException: the audio has no samples", r.error());
        }
    }

    private NodePause pauseFor(JobStore store) {
        return new NodePause(new IntakeGate(), new NodeProbe(java.util.Map.of("home", home), 0, store), store, 0);
    }
}
