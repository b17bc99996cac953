package io.lipdrop.ops;

import io.lipdrop.jobs.H2JobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The age of the oldest pending upload, read from a real job store's delivery ledger. */
class PendingUploadAgeTest {
    @TempDir Path tmp;

    @Test
    void countsFromWhenAFileWasFirstSeenPendingUntilItIsDelivered() {
        AtomicLong now = new AtomicLong(1_000_000);
        try (H2JobStore store = new H2JobStore(tmp.resolve("data"))) {
            PendingUploadAge age = new PendingUploadAge(store, now::get, 100);
            assertEquals(0, age.seconds(), "nothing pending");

            done(store, "k1", "talk.mp4", "talk.report.json");
            assertEquals(0, age.seconds());
            now.addAndGet(100_000);
            assertEquals(100, age.seconds());

            // a failed upload in back-off (not due for an hour) is still pending
            store.deliveryFailed("talk.mp4", "connection refused", now.get() + 3_600_000);
            done(store, "k2", "later.mp4");
            assertEquals(100, age.seconds(), "later.mp4 is seen pending from now on");
            now.addAndGet(50_000);
            assertEquals(150, age.seconds());

            store.markDelivered("talk.report.json", "etag");
            assertEquals(150, age.seconds(), "talk.mp4 still waits");
            store.markDelivered("talk.mp4", "etag");
            assertEquals(50, age.seconds(), "later.mp4 is the oldest now");
            store.markDelivered("later.mp4", "etag");
            assertEquals(0, age.seconds());
        }
    }

    private static void done(H2JobStore store, String key, String... files) {
        store.enqueue(key, key);
        assertTrue(store.claim(key));
        assertTrue(store.markDone(key, files[0], List.of(files)));
    }
}
