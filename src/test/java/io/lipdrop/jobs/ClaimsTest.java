package io.lipdrop.jobs;

import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.NodeRecord;
import io.lipdrop.testing.PostgresPerClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims with leases on both stores, the embedded H2 file and a real PostgreSQL server: two nodes, one job.
 */
class ClaimsTest {
    private static final Duration LEASE = Duration.ofSeconds(1);
    @RegisterExtension static final PostgresPerClass POSTGRES = new PostgresPerClass();

    @TempDir Path tmp;

    private JobStore[] nodes(String kind) throws Exception {
        return io.lipdrop.testing.TwoNodes.stores(kind, tmp, POSTGRES.server(), LEASE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aDeadNodesJobIsTakenOverAndItCannotOverwriteTheResultWhenItComesBack(String kind) throws Exception {
        JobStore[] n = nodes(kind);
        try (JobStore a = n[0]; JobStore b = n[1]) {
            a.enqueue("k", "anna.mp4");
            assertTrue(a.claim("k"));
            assertFalse(b.claim("k"), "a live lease keeps the job with its node");
            assertEquals(Set.of(), a.renew(List.of("k")), "the holder renews its lease");
            Thread.sleep(LEASE.toMillis() + 800); // node a stops beating (kill -9)
            assertTrue(b.claim("k"), "the lease ran out: another node takes the job over");
            JobRecord r = b.find("k").orElseThrow();
            assertEquals("node-b", r.node());
            assertEquals(2, r.attempts());

            // node a comes back: it cannot renew, settle or fail the job any more
            assertEquals(Set.of("k"), a.renew(List.of("k")));
            assertFalse(a.markDone("k", "anna.mp4", List.of("anna.mp4")));
            assertFalse(a.markFailed("k", "late"));
            assertFalse(a.markQuarantined("k", "late"));
            assertEquals(JobStatus.RUNNING, b.find("k").orElseThrow().status());
            assertEquals(0, b.pendingDeliveries(), "the refused result queued nothing");

            assertTrue(b.markDone("k", "anna.mp4", List.of("anna.mp4")));
            assertFalse(a.claim("k"), "done is done");
            assertEquals(JobStatus.DONE, a.find("k").orElseThrow().status());
            assertEquals("node-b", a.find("k").orElseThrow().node());
            assertEquals(1, a.pendingDeliveries());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNodeThatCameBackTakesItsOwnJobsAtOnceAndAFailedJobIsOpenToAll(String kind) throws Exception {
        JobStore[] n = nodes(kind);
        try (JobStore a = n[0]; JobStore b = n[1]) {
            assertTrue(a.claim("k"));
            // the same node id after a restart: its leftover claim is its own, whatever the lease says
            assertTrue(a.claim("k"));
            assertFalse(b.claim("k"));
            assertTrue(a.markFailed("k", "disk full"));
            assertTrue(b.claim("k"), "a failed job is retried by any node");
            assertEquals(3, b.find("k").orElseThrow().attempts());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void locksAndLiveNodes(String kind) throws Exception {
        JobStore[] n = nodes(kind);
        try (JobStore a = n[0]; JobStore b = n[1]) {
            assertTrue(a.tryLock("drop:promo", 60));
            assertTrue(a.tryLock("drop:promo", 60), "re-entrant for its holder");
            assertFalse(b.tryLock("drop:promo", 60));
            a.unlock("drop:promo");
            assertTrue(b.tryLock("drop:promo", 1));
            Thread.sleep(1500);
            assertTrue(a.tryLock("drop:promo", 60), "an expired lock is free");

            a.heartbeat("host-a", 11, "/srv/a");
            b.heartbeat("host-b", 22, "/srv/b");
            assertEquals(List.of("node-a", "node-b"), a.liveNodes(60).stream().map(NodeRecord::id).sorted().toList());
            Thread.sleep(2200);
            a.heartbeat("host-a", 11, "/srv/a");
            assertEquals(List.of("node-a"), b.liveNodes(2).stream().map(NodeRecord::id).toList(), "node b stopped beating");
        }
    }
}
