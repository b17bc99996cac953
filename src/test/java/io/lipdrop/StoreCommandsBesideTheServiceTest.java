package io.lipdrop;

import io.lipdrop.job.JobStatus;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.JobStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/lipdrop redo and housekeeping while the service runs: they reach its H2 store through its loopback port,
 * now with the password in data/jobs.secret (the service holds the file itself, so the port is the only way in).
 */
class StoreCommandsBesideTheServiceTest {
    @TempDir Path home;

    @Test
    void redoAndHousekeepingUseTheRunningServicesStore() {
        Properties p = new Properties();
        p.setProperty("lipdrop.home", home.toString());
        Settings s = Settings.load(Map.of(), p);
        String key = "c".repeat(64);
        try (JobStore service = JobStores.open(s, true)) {
            service.enqueue(key, "anna.mp4");
            service.claim(key);
            service.markDone(key, "anna.mp4");

            try (JobStore tool = JobStores.open(s, false)) {
                // the commands' way in; in one JVM the file itself would open too, so the port's use is checked here
                assertTrue(tool.describe().endsWith("through the service's port"), tool.describe());
            }
            assertEquals(0, RedoCommand.run(s, "anna.mp4"));
            assertEquals(JobStatus.QUEUED, service.find(key).orElseThrow().status(), "reopened through the service's port");
            assertEquals(0, HousekeepingCommand.run(s, true));
        }
    }
}
