package io.lipdrop.jobs;

import io.lipdrop.job.Callback;
import io.lipdrop.job.JobOutput;
import io.lipdrop.job.JobStatus;
import io.lipdrop.testing.PostgresPerClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The names a job was delivered under and the callback queue, on both stores (the embedded H2 file and a real
 * PostgreSQL server): an outcome and its event are written together or not at all, a name is recorded once.
 */
class OutputsAndCallbacksStoreTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    @RegisterExtension static final PostgresPerClass POSTGRES = new PostgresPerClass();

    @TempDir Path tmp;

    private JobStore[] nodes(String kind) throws Exception {
        return io.lipdrop.testing.TwoNodes.stores(kind, tmp, POSTGRES.server(), LEASE);
    }

    private static Callback event(String event, String key, String name) {
        return Callback.of(event, key, name, "http://127.0.0.1:1/hook", "{\"job\":\"" + name + "\",\"text\":\"产品介绍\"}\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void everyDeliveredNameIsRecordedOnceWithItsDeliveriesAndItsEvent(String kind) throws Exception {
        JobStore[] n = nodes(kind);
        try (JobStore a = n[0]; JobStore b = n[1]) {
            String key = "ab12cd34".repeat(8);
            assertTrue(a.claim(key));
            a.planOutput(key, "anna.mp4", "anna.mp4");
            assertFalse(b.markDone(key, "anna.mp4", List.of("anna.mp4"), null, event("done", key, "anna.mp4")),
                    "a node without the claim records nothing");
            assertEquals(List.of(), a.dueCallbacks(Long.MAX_VALUE, 10), "not even the event: it goes with the outcome");
            assertTrue(a.markDone(key, "anna.mp4", List.of("anna.mp4", "anna.report.json"), null, event("done", key, "anna.mp4")));

            Callback reuse = event("duplicate", key, "promo/anna.mp4");
            assertTrue(b.recordReuse(key, "promo/anna.mp4", "promo/anna.mp4", List.of("promo/anna.mp4"), null, reuse), "another node may deliver a duplicate");
            assertFalse(a.recordReuse(key, "promo/anna.mp4", "promo/anna.mp4", List.of("promo/anna.mp4"), null, event("duplicate", key, "x")),
                    "a name is delivered once: a second delivery (a re-run after a crash, another node) writes nothing");
            assertEquals(List.of("anna.mp4", "promo/anna.mp4"), a.outputs(key).stream().map(JobOutput::output).toList());
            assertEquals(List.of(false, true), a.outputs(key).stream().map(JobOutput::reused).toList());
            assertEquals(key, a.findByOutput("promo/anna.mp4").orElseThrow().key(), "outbox/promo/anna.mp4 belongs to the job");
            assertEquals(3, a.pendingDeliveries(), "the duplicate's own file is queued for S3");

            List<Callback> due = a.dueCallbacks(System.currentTimeMillis(), 10);
            assertEquals(List.of("done", "duplicate"), due.stream().map(Callback::event).toList());
            Callback dup = due.get(1);
            assertEquals(reuse.id(), dup.id());
            assertEquals(reuse.body(), dup.body(), "the body comes back byte for byte (it is signed)");
            assertEquals("promo/anna.mp4", dup.jobName());

            // a name freed by housekeeping and taken by another job's duplicate belongs to that job now
            String other = "ef56ab78".repeat(8);
            assertTrue(a.markDone(other, "bob.mp4", List.of(), null, null));
            assertTrue(a.recordReuse(other, "anna.mp4", "anna.mp4", List.of(), null, null));
            assertEquals(other, a.findByOutput("anna.mp4").orElseThrow().key());

            // sending: retried later, sent once, or given up; only pending ones are due
            a.callbackFailed(due.get(0).id(), "HTTP 503", System.currentTimeMillis() + 60_000);
            assertEquals(List.of(dup.id()), a.dueCallbacks(System.currentTimeMillis(), 10).stream().map(Callback::id).toList());
            assertEquals(1, a.dueCallbacks(Long.MAX_VALUE, 10).get(0).attempts());
            a.callbackSent(dup.id());
            a.callbackAbandoned(due.get(0).id(), "HTTP 404");
            assertEquals(0, a.pendingCallbacks());
        }
    }

    /** A store made before V3: the done jobs' outputs become their recorded names, a name two jobs had the later one's. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theOutputsOfJobsDoneBeforeTheUpgradeAreRecorded(String kind) throws Exception {
        String url = kind.equals("h2") ? "jdbc:h2:file:" + tmp.resolve("old/jobs").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE"
                : POSTGRES.server().newDatabase("upgrade" + System.nanoTime());
        String user = kind.equals("h2") ? "lipdrop" : POSTGRES.server().user();
        String password = kind.equals("h2") ? "" : POSTGRES.server().password();
        org.flywaydb.core.Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("2").load().migrate();
        try (var db = java.sql.DriverManager.getConnection(url, user, password); var st = db.createStatement()) {
            st.executeUpdate("INSERT INTO jobs (job_key, name, status, attempts, output, created_at, updated_at) VALUES "
                    + "('k1', 'anna.mp4', 'DONE', 1, 'anna.mp4', TIMESTAMP '2026-01-01 10:00:00', TIMESTAMP '2026-01-01 10:00:00'), "
                    + "('k2', 'anna.mp4', 'DONE', 1, 'anna.mp4', TIMESTAMP '2026-02-01 10:00:00', TIMESTAMP '2026-02-01 10:00:00'), "
                    + "('k3', 'bob.mp4', 'RUNNING', 1, 'bob.mp4', TIMESTAMP '2026-02-01 10:00:00', TIMESTAMP '2026-02-01 10:00:00')");
        }
        try (JobStore store = kind.equals("h2") ? new H2JobStore(tmp.resolve("old"), false, "node-a", LEASE)
                : new PostgresJobStore(url, user, password, "node-a", LEASE)) {
            assertEquals("k2", store.findByOutput("anna.mp4").orElseThrow().key(), "the later job's");
            assertEquals(List.of(), store.outputs("k1"));
            assertEquals(List.of("anna.mp4"), store.outputs("k2").stream().map(JobOutput::output).toList());
            assertEquals(List.of(), store.outputs("k3"), "a running job has delivered nothing yet");
            assertEquals("k3", store.findByOutput("bob.mp4").orElseThrow().key(), "but its planned name is known");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aQuarantineQueuesItsEventOnlyForTheClaimsHolder(String kind) throws Exception {
        JobStore[] n = nodes(kind);
        try (JobStore a = n[0]; JobStore b = n[1]) {
            String key = "0123abcd".repeat(8);
            assertTrue(a.claim(key));
            assertFalse(b.markQuarantined(key, "no face", event("quarantined", key, "x.mp4")));
            assertEquals(0, a.pendingCallbacks());
            assertTrue(a.markQuarantined(key, "no face", event("quarantined", key, "x.mp4")));
            assertEquals(1, b.pendingCallbacks());
            assertEquals(JobStatus.QUARANTINED, b.find(key).orElseThrow().status());
        }
    }
}
