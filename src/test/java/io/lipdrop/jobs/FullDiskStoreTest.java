package io.lipdrop.jobs;

import io.lipdrop.testing.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded store on a real tmpfs filled to the last byte: it fails as a fault of the machine, then works again once space is freed. */
class FullDiskStoreTest {
    @TempDir Path tmp;

    @Test
    void theEmbeddedStoreSurvivesAFullDiskAndAnswersAgainWhenSpaceIsFreed() throws Exception {
        try (Mounts mounts = new Mounts()) {
            Path disk = mounts.tmpfs(tmp.resolve("disk"), 8);
            try (H2JobStore store = new H2JobStore(disk.resolve("data"), true)) {
                store.enqueue("before", "before");
                Path filler = disk.resolve("filler.bin");
                FileStore fs = Files.getFileStore(disk);
                byte[] chunk = new byte[4096];
                try (OutputStream out = Files.newOutputStream(filler)) {
                    while (true) out.write(chunk);
                } catch (java.io.IOException full) {
                    // the disk is full to the last block
                }
                RuntimeException failure = null;
                long t0 = System.nanoTime();
                for (int i = 0; i < 400 && failure == null; i++) {
                    try {
                        store.enqueue("k" + i, "a job name long enough to need room " + "x".repeat(2000));
                        store.claim("k" + i);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                System.out.println("first failure after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + failure);
                assertTrue(failure != null, "the store could write on a full disk");
                assertTrue(NodeFault.of(failure).isPresent(), "a fault of the machine: " + failure);
                Files.delete(filler);
                assertTrue(store.reachable(), "answers again once space is freed");
                store.enqueue("after", "after");
                assertTrue(store.find("before").isPresent(), "what was committed before the disk filled is still there");
                assertTrue(store.find("after").isPresent());
                assertFalse(Files.exists(disk.resolve("data/jobs.trace.db")), "no trace file grows on the full disk");
            }
        }
    }
}
