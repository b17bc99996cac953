package io.lipdrop.jobs;

import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claim path under contention on a real PostgreSQL: 50 nodes (one store, one connection each) race for
 * the same 2,000 jobs, each walking all of them in its own order. Every job must be won by exactly one node
 * and end done in that node's name. bench/run prints the {@code claim load:} line.
 */
class ClaimLoadTest {
    private static final int CLAIMERS = 50;
    private static final int JOBS = 2_000;

    @Test
    @Timeout(300) // a hung claim must fail the run, not stall CI
    void everyJobIsClaimedByExactlyOneOfFiftyConcurrentNodes() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            String url = pg.newDatabase("claim_load");
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) keys.add(String.format("job-%05d", i));

            List<PostgresJobStore> stores = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
            try {
                // the first store migrates the schema; the others only find it there
                stores.add(new PostgresJobStore(url, pg.user(), pg.password(), "node-00", Duration.ofMinutes(10)));
                List<Future<PostgresJobStore>> opening = new ArrayList<>();
                for (int n = 1; n < CLAIMERS; n++) {
                    String node = String.format("node-%02d", n);
                    opening.add(pool.submit(() -> new PostgresJobStore(url, pg.user(), pg.password(), node, Duration.ofMinutes(10))));
                }
                for (Future<PostgresJobStore> f : opening) stores.add(f.get());
                for (String key : keys) stores.get(0).enqueue(key, key + ".mp4");

                Map<String, String> winners = new ConcurrentHashMap<>();
                ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
                AtomicLong attempts = new AtomicLong();
                AtomicLong claims = new AtomicLong();
                CountDownLatch ready = new CountDownLatch(CLAIMERS);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> running = new ArrayList<>();
                for (int n = 0; n < CLAIMERS; n++) {
                    JobStore store = stores.get(n);
                    List<String> order = new ArrayList<>(keys);
                    Collections.shuffle(order, new Random(n)); // seeded: a failure can be replayed
                    running.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        for (String key : order) {
                            attempts.incrementAndGet();
                            if (!store.claim(key)) continue;
                            claims.incrementAndGet();
                            String earlier = winners.putIfAbsent(key, store.nodeId());
                            if (earlier != null) errors.add(key + " claimed by " + earlier + " and again by " + store.nodeId());
                            if (!store.markDone(key, key + ".mp4", List.of())) {
                                errors.add(key + ": " + store.nodeId() + " won the claim but could not mark it done");
                            }
                        }
                        return null;
                    }));
                }
                ready.await();
                long t0 = System.nanoTime();
                go.countDown();
                for (Future<?> f : running) f.get(); // a claimer's exception fails the test here
                double seconds = (System.nanoTime() - t0) / 1e9;

                System.out.printf("claim load: %d claimers, %d jobs, %d claim attempts, %.0f claims/s, %.0f attempts/s%n",
                        CLAIMERS, JOBS, attempts.get(), claims.get() / seconds, attempts.get() / seconds);
                assertTrue(errors.isEmpty(), () -> errors.size() + " violations, first: " + errors.peek());
                assertEquals((long) CLAIMERS * JOBS, attempts.get());
                assertEquals(JOBS, claims.get(), "successful claims in total");
                assertEquals(JOBS, winners.size(), "every job won by someone");
                JobStore reader = stores.get(0);
                for (String key : keys) {
                    JobRecord job = reader.find(key).orElseThrow(() -> new AssertionError(key + " is gone"));
                    assertEquals(JobStatus.DONE, job.status(), key);
                    assertEquals(winners.get(key), job.node(), key + ": done in the winner's name");
                    assertEquals(1, job.attempts(), key + ": claimed once");
                }
            } finally {
                pool.shutdownNow();
                for (PostgresJobStore s : stores) s.close();
            }
        }
    }
}
