package io.lipdrop.notify;

import io.lipdrop.job.IntakeGate;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.NodeFault;
import io.lipdrop.jobs.NodePause;
import io.lipdrop.jobs.NodeProbe;
import io.lipdrop.jobs.PostgresJobStore;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.CapturedLog;
import io.lipdrop.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real PostgreSQL server stopped as a crash would stop it, then started again: the store's failures are
 * named as the machine's, the periodic readers say so once (not a stack trace a second), a paused node stays
 * paused while the server is away and resumes by itself once it answers.
 */
class StoreAwayTest {
    @TempDir Path home;

    @Test
    void aStoreThatGoesAwayIsSaidOnceAndTheNodeResumesWhenItComesBack() throws Exception {
        try (PostgresServer pg = PostgresServer.start();
             JobStore store = new PostgresJobStore(pg.jdbcUrl(), pg.user(), pg.password(), "n1", Duration.ofSeconds(30));
             CapturedLog log = new CapturedLog()) {
            CallbackSender sender = new CallbackSender(store, new NotifySettings("", "secret", 100, 1000, 4000, Duration.ofMinutes(60),
                    Duration.ofSeconds(5), AllowedTargets.parse("127.0.0.1", "")), LipDropMetrics.none());
            IntakeGate gate = new IntakeGate();
            NodePause pause = new NodePause(gate, new NodeProbe(Map.of("home", home), 0, store), store, 0);
            assertTrue(store.claim("k"));

            pg.halt();
            RuntimeException failure = null;
            try {
                store.find("k");
            } catch (RuntimeException e) {
                failure = e;
            }
            assertTrue(failure != null && NodeFault.of(failure).map(NodeFault::kind).orElse(null) == NodeFault.Kind.STORE_UNREACHABLE,
                    "the machine's fault: " + failure);
            assertTrue(pause.handle("anna.mp4", "k", failure), "a store away pauses the node");
            for (int i = 0; i < 5; i++) assertEquals(List.of(), sender.due(), "nothing to send while the store is away");
            assertEquals(1, log.count("completion callbacks: the job store cannot be read"), log.lines().toString());
            pause.probe();
            assertTrue(pause.isPaused() && !gate.isOpen(), "still paused while the store is away");
            assertTrue(pause.reason().orElseThrow().contains("job store"), pause.reason().orElseThrow());

            pg.restart();
            pause.probe();
            assertFalse(pause.isPaused(), "resumed once the store answers");
            assertTrue(gate.isOpen());
            assertEquals(io.lipdrop.job.JobStatus.QUEUED, store.find("k").orElseThrow().status(), "put back when the store came back");
            assertEquals(0, store.find("k").orElseThrow().attempts(), "the attempt the store's absence cost is not counted");
            sender.due();
            assertEquals(1, log.count("completion callbacks: the job store answers again"), log.lines().toString());
        }
    }
}
