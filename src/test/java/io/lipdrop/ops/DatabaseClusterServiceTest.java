package io.lipdrop.ops;

import io.lipdrop.job.ClusterLocks;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.testing.TwoNodes;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes' cluster services on one embedded job store (H2), with a 3 s lease renewed every second. */
class DatabaseClusterServiceTest {
    private static final String NS = "lipdrop-test";
    private static final int LEASE = 3;

    @TempDir Path tmp;

    @Test
    void oneLeadsAndAStoppedLeaderHandsOverAtOnce() throws Exception {
        JobStore[] stores = TwoNodes.stores("h2", tmp, null, Duration.ofSeconds(60));
        DatabaseClusterService a = new DatabaseClusterService("node-a", stores[0], LEASE);
        DatabaseClusterService b = new DatabaseClusterService("node-b", stores[1], LEASE);
        try {
            a.start();
            b.start();
            List<Boolean> eventsA = events(a.getView(NS));
            List<Boolean> eventsB = events(b.getView(NS));
            assertTrue(waitFor(() -> a.leads(NS) || b.leads(NS), 2_000), "a leader within the first try");
            // never both, over a few renewals
            for (int i = 0; i < 60; i++) {
                assertFalse(a.leads(NS) && b.leads(NS), "two leaders");
                assertTrue(a.leads(NS) || b.leads(NS), "no leader while the leader lives");
                Thread.sleep(50);
            }
            DatabaseClusterService leader = a.leads(NS) ? a : b;
            DatabaseClusterService other = leader == a ? b : a;
            List<Boolean> leaderEvents = leader == a ? eventsA : eventsB;
            assertEquals(List.of(true), leaderEvents.stream().filter(e -> e).toList(), "leadership gained once: " + leaderEvents);

            long stopped = System.nanoTime();
            leader.stop();
            assertFalse(leader.leads(NS));
            assertEquals(Boolean.FALSE, leaderEvents.get(leaderEvents.size() - 1), "leadership lost fired on stop");
            // the lease row is gone: the other node takes it at its next try (a period, 1 s), not after the lease
            assertTrue(waitFor(() -> other.leads(NS), 2_000), "the other node leads after a graceful stop");
            long ms = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(ms < LEASE * 1000, "handed over in " + ms + " ms");
            assertTrue((other == a ? eventsA : eventsB).contains(true));
        } finally {
            a.stop();
            b.stop();
            for (JobStore s : stores) s.close();
        }
    }

    @Test
    void anExpiredLeaseOfADeadNodeIsTakenOver() throws Exception {
        JobStore[] stores = TwoNodes.stores("h2", tmp, null, Duration.ofSeconds(60));
        // node-a took the lease and died (no renewals): it runs out after 2 s
        assertTrue(stores[0].tryLock(DatabaseClusterService.LOCK_PREFIX + NS, 2));
        long died = System.nanoTime();
        DatabaseClusterService b = new DatabaseClusterService("node-b", stores[1], LEASE);
        try {
            b.start();
            b.getView(NS);
            Thread.sleep(1_000);
            assertFalse(b.leads(NS), "the dead node's lease still runs");
            assertTrue(waitFor(() -> b.leads(NS), 3_000), "taken over once expired");
            long ms = (System.nanoTime() - died) / 1_000_000;
            assertTrue(ms >= 2_000 && ms < 2_000 + 1_500, "taken over " + ms + " ms after the last renewal");
        } finally {
            b.stop();
            for (JobStore s : stores) s.close();
        }
    }

    @Test
    void aLeaderWhoseDatabaseHangsOrFailsGivesUpBeforeItsLeaseCouldBeTaken() throws Exception {
        JobStore[] stores = TwoNodes.stores("h2", tmp, null, Duration.ofSeconds(60));
        Flaky locks = new Flaky(stores[0]);
        DatabaseClusterService a = new DatabaseClusterService("node-a", locks, LEASE);
        try {
            a.start();
            a.getView(NS);
            assertTrue(waitFor(() -> a.leads(NS), 2_000));
            // the database stops answering: the renewal hangs; leadership ends a period before the lease could be taken
            locks.hang = new CountDownLatch(1);
            long lastRenewal = System.nanoTime();
            assertTrue(waitFor(() -> !a.leads(NS), LEASE * 1000));
            long ms = (System.nanoTime() - lastRenewal) / 1_000_000;
            assertTrue(ms < LEASE * 1000, "gave up " + ms + " ms after its last renewal, the lease lasts " + LEASE + " s");
            // it answers again: leadership comes back
            locks.hang.countDown();
            locks.hang = null;
            assertTrue(waitFor(() -> a.leads(NS), 3_000), "leads again");
            // a failing database: leadership ends at the failed renewal
            locks.fail = true;
            assertTrue(waitFor(() -> !a.leads(NS), 1_500), "gives up on a failed renewal");
            assertFalse(stores[1].tryLock(DatabaseClusterService.LOCK_PREFIX + NS, LEASE), "yet the lease still runs in the store");
        } finally {
            if (locks.hang != null) locks.hang.countDown();
            a.stop();
            for (JobStore s : stores) s.close();
        }
    }

    private static final class Flaky implements ClusterLocks {
        private final ClusterLocks store;
        volatile CountDownLatch hang;
        volatile boolean fail;

        Flaky(ClusterLocks store) { this.store = store; }

        @Override
        public boolean tryLock(String name, int seconds) {
            CountDownLatch h = hang;
            if (h != null) {
                try {
                    h.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("job store: connection timed out");
            }
            if (fail) throw new IllegalStateException("job store: connection refused");
            return store.tryLock(name, seconds);
        }

        @Override
        public void unlock(String name) { store.unlock(name); }
    }

    private static List<Boolean> events(CamelClusterView view) {
        List<Boolean> events = new CopyOnWriteArrayList<>();
        view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) -> events.add(v.getLocalMember().isLeader()));
        return events;
    }

    private static boolean waitFor(BooleanSupplier condition, long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
