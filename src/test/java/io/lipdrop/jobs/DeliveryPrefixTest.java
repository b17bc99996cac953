package io.lipdrop.jobs;

import io.lipdrop.job.DeliveryRecord;
import io.lipdrop.testing.PostgresPerClass;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A job's own S3 prefix (V5) is kept with its deliveries, on the embedded H2 file and on a real PostgreSQL server. */
class DeliveryPrefixTest {
    @RegisterExtension static final PostgresPerClass POSTGRES = new PostgresPerClass();
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aJobsPrefixIsKeptWithItsDeliveriesAndAReDoneJobTakesItsNewOne(String kind) throws Exception {
        try (JobStore store = kind.equals("h2") ? new H2JobStore(tmp.resolve("data"), false, "node", Duration.ofSeconds(60))
                : new PostgresJobStore(POSTGRES.server().newDatabase("prefix"), POSTGRES.server().user(), POSTGRES.server().password(),
                        "node", Duration.ofSeconds(60))) {
            store.markDone("k1", "promo/anna.mp4", List.of("promo/anna.mp4", "promo/anna.report.json"), "clients/acme", null);
            store.markDone("k2", "bob.mp4", List.of("bob.mp4"));
            assertEquals(Map.of("promo/anna.mp4", "clients/acme", "promo/anna.report.json", "clients/acme", "bob.mp4", "-"), prefixes(store));
            store.markDone("k3", "bob.mp4", List.of("bob.mp4"), "later", null);
            assertEquals("later", prefixes(store).get("bob.mp4"), "made again with other settings: delivered under the new prefix");
        }
    }

    private static Map<String, String> prefixes(JobStore store) {
        return store.dueDeliveries(System.currentTimeMillis(), 10).stream()
                .collect(Collectors.toMap(DeliveryRecord::path, r -> r.s3Prefix() == null ? "-" : r.s3Prefix()));
    }
}
