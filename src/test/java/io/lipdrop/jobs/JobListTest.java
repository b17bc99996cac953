package io.lipdrop.jobs;

import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.ProgressRecord;
import io.lipdrop.testing.PostgresPerClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The jobs page's listing, in the same SQL on both stores: the embedded H2 file and a real PostgreSQL server. */
class JobListTest {
    private static final java.util.concurrent.atomic.AtomicInteger DATABASES = new java.util.concurrent.atomic.AtomicInteger();
    @RegisterExtension static final PostgresPerClass POSTGRES = new PostgresPerClass();

    @TempDir Path tmp;

    private JobStore store(String kind) throws Exception {
        return kind.equals("h2") ? new H2JobStore(tmp.resolve("data"), false, "node-a", Duration.ofSeconds(60))
                : new PostgresJobStore(POSTGRES.server().newDatabase("list" + DATABASES.incrementAndGet()), POSTGRES.server().user(),
                        POSTGRES.server().password(), "node-a", Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void jobsAreListedNewestChangeFirstByStatusAndUpToALimit(String kind) throws Exception {
        try (JobStore s = store(kind)) {
            for (String k : List.of("a", "b", "c", "d")) {
                s.enqueue(k, k + ".mp4");
                Thread.sleep(20); // distinct update times
            }
            s.claim("b");
            Thread.sleep(20);
            s.claim("c");
            s.markDone("c", "c.mp4");
            Thread.sleep(20);
            s.claim("d");
            s.markQuarantined("d", "the file has no audio stream");

            assertEquals(List.of("d", "c", "b", "a"), keys(s.list(null, 10)));
            assertEquals(List.of("d", "c"), keys(s.list(null, 2)));
            assertEquals(List.of("a"), keys(s.list(JobStatus.QUEUED, 10)));
            assertEquals(List.of("b"), keys(s.list(JobStatus.RUNNING, 10)));
            assertEquals(List.of("c"), keys(s.list(JobStatus.DONE, 10)));
            assertEquals("the file has no audio stream", s.list(JobStatus.QUARANTINED, 10).get(0).error());
            assertEquals(List.of(), keys(s.list(JobStatus.FAILED, 10)));
            assertEquals(List.of(), keys(s.list(null, 0)));
            assertEquals(java.util.Map.of(JobStatus.QUEUED, 1L, JobStatus.RUNNING, 1L, JobStatus.DONE, 1L, JobStatus.QUARANTINED, 1L),
                    s.countByStatus());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void eachNodesProgressIsSharedThroughTheStore(String kind) throws Exception {
        try (JobStore a = store(kind)) {
            Instant started = Instant.parse("2026-11-24T10:00:00Z");
            a.saveProgress("k", 10, 100, 4.5, started);
            a.saveProgress("k", 40, 100, 5.0, started);
            a.saveProgress("j", 1, 50, 0, started);
            List<ProgressRecord> all = a.progress().stream().sorted(java.util.Comparator.comparing(ProgressRecord::key)).toList();
            assertEquals(2, all.size());
            ProgressRecord k = all.get(1);
            assertEquals(List.of("k", "node-a", 40, 100), List.of(k.key(), k.node(), k.done(), k.total()));
            assertEquals(5.0, k.framesPerSecond(), 1e-9);
            assertEquals(started, k.started());
            a.clearProgress("k");
            assertEquals(List.of("j"), a.progress().stream().map(ProgressRecord::key).toList());
        }
    }

    private static List<String> keys(List<JobRecord> jobs) {
        return jobs.stream().map(JobRecord::key).toList();
    }
}
