package io.lipdrop.testing;

import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.PostgresJobStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Two nodes' stores ("node-a", "node-b") on one database: the embedded H2 file, or a fresh database on a real PostgreSQL. */
public final class TwoNodes {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TwoNodes() {}

    /** @param kind "h2" (a file under {@code dir}) or "postgres" (a new database on {@code postgres}) */
    public static JobStore[] stores(String kind, Path dir, PostgresServer postgres, Duration lease) throws Exception {
        if (kind.equals("h2")) {
            Path data = dir.resolve("data");
            return new JobStore[]{new H2JobStore(data, false, "node-a", lease), new H2JobStore(data, false, "node-b", lease)};
        }
        String url = postgres.newDatabase("nodes" + DATABASES.incrementAndGet());
        return new JobStore[]{new PostgresJobStore(url, postgres.user(), postgres.password(), "node-a", lease),
                new PostgresJobStore(url, postgres.user(), postgres.password(), "node-b", lease)};
    }
}
