package io.lipdrop.housekeeping;

import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobStoreIdempotentRepository;
import io.lipdrop.metrics.LipDropMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HousekeeperTest {
    @TempDir Path home;
    final Instant now = Instant.now();
    final HousekeepingSettings settings = new HousekeepingSettings(Duration.ofDays(7), Duration.ofDays(30), 0.9, 0.8);

    Path file(String relative, int days, int size) throws Exception {
        Path f = home.resolve(relative);
        Files.createDirectories(f.getParent());
        byte[] data = new byte[size];
        new Random(relative.hashCode()).nextBytes(data);
        Files.write(f, data);
        Files.setLastModifiedTime(f, FileTime.from(now.minus(Duration.ofDays(days)).minusSeconds(60)));
        return f;
    }

    Housekeeper housekeeper(H2JobStore store, boolean delivery, JobStoreIdempotentRepository repo) {
        return new Housekeeper(home.resolve("outbox"), home.resolve("archive"), home.resolve("work"),
                store, delivery, repo::isOwned, settings, LipDropMetrics.none(), Clock.fixed(now, java.time.ZoneId.systemDefault()));
    }

    @Test
    void purgesOnlyWhatIsOldFinishedAndSafeAndNeverFollowsALinkOut() throws Exception {
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            JobStoreIdempotentRepository repo = new JobStoreIdempotentRepository(store);
            Path delivered = file("outbox/promo/old.mp4", 10, 1000);
            Path deliveredReport = file("outbox/promo/old.report.json", 10, 100);
            store.markDone("k1", "promo/old.mp4", List.of("promo/old.mp4", "promo/old.report.json"));
            store.markDelivered("promo/old.mp4", "e");
            store.markDelivered("promo/old.report.json", "e");
            Path undelivered = file("outbox/waiting.mp4", 10, 1000);
            store.markDone("k2", "waiting.mp4", List.of("waiting.mp4"));
            Path redoing = file("outbox/redo.mp4", 10, 1000);               // a job being made again right now
            repo.add("k3");
            store.planOutput("k3", "redo.mp4");
            Path young = file("outbox/new.mp4", 2, 1000);
            Path oldArchive = file("archive/2026-10-01/a.wav", 40, 5000);
            Path oldFailed = file("archive/failed/2026-10-01/x.mp4", 40, 50);
            Path youngArchive = file("archive/2026-11-20/b.wav", 3, 5000);
            // logs are Log4j's (LogRollingTest): housekeeping leaves them as they are, old or not
            Path active = file("logs/lipdrop.log", 40, 300);
            Path oldGz = file("logs/lipdrop-2026-10-01-1.log.gz", 40, 100);
            Path outside = file("elsewhere/precious.mp4", 100, 1000);
            Files.createSymbolicLink(home.resolve("outbox/link.mp4"), outside);
            Files.createSymbolicLink(home.resolve("archive/linked-dir"), outside.getParent());
            Path leftover = file("work/deadbeef/video.mp4", 0, 4000);
            Path inUse = file("work/k3/video.mp4", 0, 4000);

            HousekeepingReport dry = housekeeper(store, true, repo).run(true);
            assertTrue(dry.dryRun());
            assertEquals(5, dry.count(HousekeepingReport.Action.DELETED), dry.entries().toString());
            for (Path p : List.of(delivered, deliveredReport, oldArchive, oldFailed, leftover)) {
                assertTrue(Files.exists(p), "a dry run changes nothing: " + p);
            }

            HousekeepingReport r = housekeeper(store, true, repo).run(false);
            for (Path gone : List.of(delivered, deliveredReport, oldArchive, oldFailed, leftover)) {
                assertFalse(Files.exists(gone), "purged " + gone);
            }
            for (Path kept : List.of(undelivered, redoing, young, youngArchive, active, oldGz, outside, inUse)) {
                assertTrue(Files.exists(kept), "kept " + kept);
            }
            assertTrue(Files.isSymbolicLink(home.resolve("outbox/link.mp4")), "links are left alone");
            assertFalse(Files.exists(home.resolve("outbox/promo")), "emptied folders go too");
            assertFalse(Files.exists(home.resolve("archive/2026-10-01")));
            assertTrue(Files.exists(home.resolve("outbox")) && Files.exists(home.resolve("archive")), "the folders themselves stay");

            assertTrue(r.entries().stream().anyMatch(e -> e.action() == HousekeepingReport.Action.KEPT
                    && e.path().equals(undelivered) && e.why().contains("not yet confirmed in S3")));
            assertTrue(r.entries().stream().anyMatch(e -> e.path().equals(redoing) && e.why().contains("running")));
            assertEquals(1000 + 100 + 5000 + 50 + 4000, r.bytesFreed());
        }
    }

    @Test
    void withoutDeliveryOldOutputsGoAfterTheirRetention() throws Exception {
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            Path old = file("outbox/old.mp4", 8, 10);
            store.markDone("k", "old.mp4");
            housekeeper(store, false, new JobStoreIdempotentRepository(store)).run(false);
            assertFalse(Files.exists(old));
        }
    }
}
