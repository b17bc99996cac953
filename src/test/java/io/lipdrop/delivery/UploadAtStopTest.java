package io.lipdrop.delivery;

import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bucket mode's upload at a graceful stop, against a real s3proxy: what this node made and had not uploaded goes with
 * the SDK, a large file in parts cut as camel-aws2-s3 cuts them (so its ETag is the one the check expects), each
 * checked and recorded as delivered; what another node queued is not this node's to upload.
 */
class UploadAtStopTest {
    @TempDir Path dir;

    @Test
    void whatThisNodeMadeIsUploadedAndCheckedBeforeItStops() throws Exception {
        try (S3ProxyServer server = new S3ProxyServer(dir.resolve("s3")).start();
             H2JobStore mine = new H2JobStore(dir.resolve("data"), false, "node-a", java.time.Duration.ofSeconds(30));
             H2JobStore other = new H2JobStore(dir.resolve("data"), false, "node-b", java.time.Duration.ofSeconds(30))) {
            S3Settings s3 = new S3Settings("results", "outbox", "us-east-1", server.endpoint(), true, S3ProxyServer.ACCESS_KEY,
                    S3ProxyServer.SECRET_KEY, S3Settings.MIN_PART_SIZE, 200, 1000, 10);
            try (S3Client client = S3ClientFactory.create(s3)) {
                client.createBucket(b -> b.bucket("results"));
                Path outbox = Files.createDirectories(dir.resolve("outbox"));
                byte[] video = new byte[12 * 1024 * 1024 + 5]; // three parts of 5 MiB, the last a short one
                new Random(1).nextBytes(video);
                Files.write(outbox.resolve("anna.mp4"), video);
                Files.writeString(outbox.resolve("anna.report.json"), "{\"status\":\"done\"}\n");
                String key = "ab12cd34".repeat(8);
                mine.claim(key);
                mine.markDone(key, "anna.mp4", List.of("anna.mp4", "anna.report.json"), null, null);
                other.claim("cd34ef56".repeat(8));
                other.markDone("cd34ef56".repeat(8), "bob.mp4", List.of("bob.mp4"), null, null);

                Deliveries deliveries = new Deliveries(mine, client, s3, outbox, new DeliveryProblems(s3), LipDropMetrics.none(), true);
                assertEquals(2, deliveries.uploadWhatIsLeft());
                assertArrayEquals(video, client.getObjectAsBytes(b -> b.bucket("results").key("outbox/anna.mp4")).asByteArray());
                assertTrue(client.headObject(b -> b.bucket("results").key("outbox/anna.mp4")).eTag().endsWith("-3\""), "uploaded in 3 parts");
                assertTrue(mine.isDelivered("anna.mp4") && mine.isDelivered("anna.report.json"));
                assertEquals(1, mine.pendingDeliveries(), "bob.mp4 is node-b's, in node-b's outbox");
                assertEquals(0, deliveries.uploadWhatIsLeft(), "nothing left: nothing uploaded twice");
            }
        }
    }
}
