package io.lipdrop.jobs;

import io.lipdrop.job.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobStoreTest {
    @TempDir Path data;

    @Test
    void aJobIsClaimedOnceAndItsStateSurvivesAReopen() {
        try (H2JobStore store = new H2JobStore(data)) {
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            assertTrue(repo.add("k1"));
            assertFalse(repo.add("k1"), "running here: a duplicate");
            store.planOutput("k1", "anna.mp4");
            store.markDone("k1", "anna.mp4");
            repo.confirm("k1");
            assertFalse(repo.add("k1"), "done: never again");
            assertTrue(repo.contains("k1"));
        }
        try (H2JobStore reopened = new H2JobStore(data)) {
            assertEquals(JobStatus.DONE, reopened.find("k1").orElseThrow().status());
            assertEquals("k1", reopened.findByOutput("anna.mp4").orElseThrow().key());
        }
    }

    @Test
    void aJobLeftRunningByACrashedProcessIsTakenOverByTheNextOne() {
        try (H2JobStore store = new H2JobStore(data)) {
            assertTrue(new JobStoreIdempotentRepository(store).add("k2")); // the process that then died
        }
        try (H2JobStore store = new H2JobStore(data)) {
            assertEquals(JobStatus.RUNNING, store.find("k2").orElseThrow().status());
            assertTrue(new JobStoreIdempotentRepository(store).add("k2"));
            assertEquals(2, store.find("k2").orElseThrow().attempts());
        }
    }

    @Test
    void reopeningAFinishedJobLetsTheSameContentRunAgainIntoTheSameOutput() {
        try (H2JobStore store = new H2JobStore(data)) {
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            repo.add("k3");
            store.markDone("k3", "x.mp4");
            repo.confirm("k3");
            assertTrue(store.reopen("k3"));
            assertTrue(repo.add("k3"));
            assertEquals("x.mp4", store.find("k3").orElseThrow().output(), "the redo replaces the same output");
            assertEquals(1, store.find("k3").orElseThrow().attempts());
        }
    }

    @Test
    void aFailureInsideTheBlockReleasesTheJobForARetry() {
        try (H2JobStore store = new H2JobStore(data)) {
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            repo.add("k4");
            repo.remove("k4");
            assertEquals(JobStatus.FAILED, store.find("k4").orElseThrow().status());
            assertTrue(repo.add("k4"));
            assertEquals(2, store.find("k4").orElseThrow().attempts());
        }
    }
}
