package io.lipdrop.delivery;

import io.lipdrop.Settings;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.testing.CapturedLog;
import io.lipdrop.testing.S3ProxyServer;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delivery route (routes/delivery.yaml) with camel-aws2-s3 against a real s3proxy server. */
class DeliveryRouteTest {
    static final long PART = 5L * 1024 * 1024;
    @TempDir Path home;

    private Settings settings(S3ProxyServer s3, String secret, String bucket) {
        Properties p = new Properties();
        p.setProperty("lipdrop.home", home.toString());
        p.setProperty("lipdrop.s3.bucket", bucket);
        p.setProperty("lipdrop.s3.prefix", "factory");
        p.setProperty("lipdrop.s3.endpoint", s3.endpoint());
        p.setProperty("lipdrop.s3.access-key", S3ProxyServer.ACCESS_KEY);
        p.setProperty("lipdrop.s3.secret-key", secret);
        p.setProperty("lipdrop.s3.part-size", String.valueOf(PART));
        p.setProperty("lipdrop.s3.poll-millis", "200");
        p.setProperty("lipdrop.s3.retry-initial-millis", "200");
        p.setProperty("lipdrop.s3.retry-max-millis", "1000");
        p.setProperty("lipdrop.s3.timeout-seconds", "10");
        return Settings.load(Map.<String, String>of(), p);
    }

    /** The delivery route alone, as LipDropApplication wires it. */
    private Main startRoute(Settings s, H2JobStore store, DeliveryProblems[] problemsOut) throws Exception {
        S3Settings s3 = S3Settings.from(s);
        S3Client client = S3ClientFactory.create(s3);
        DeliveryProblems problems = new DeliveryProblems(s3);
        problemsOut[0] = problems;
        Main main = new Main();
        main.setOverrideProperties(s.asProperties());
        main.configure().withRoutesIncludePattern("file:" + Path.of(System.getProperty("lipdrop.app", ".")).resolve("routes/delivery.yaml"));
        main.bind("s3Client", client);
        main.bind("deliveries", new Deliveries(store, client, s3, s.folder("outbox"), problems, io.lipdrop.metrics.LipDropMetrics.none()));
        // the delivery route is a master route: one node of a cluster uploads
        main.configure().addConfiguration(new io.lipdrop.ops.ClusterConfiguration("test", store, s.getInt("lipdrop.cluster.lease-seconds")));
        main.start();
        return main;
    }

    private static S3Client admin(S3ProxyServer s3) {
        return S3ClientFactory.create(new S3Settings("x", "", "us-east-1", s3.endpoint(), true, S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, PART, 1, 1, 10));
    }

    private Path outboxFile(String relative, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path f = home.resolve("outbox").resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.write(f, data);
    }

    static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    void largeAndSmallResultsArriveByteForByteAndSurviveAnOutage() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(home.resolve("s3")).start();
             H2JobStore store = new H2JobStore(home.resolve("data"));
             CapturedLog log = new CapturedLog()) {
            S3Client admin = admin(s3);
            admin.createBucket(b -> b.bucket("videos"));
            Path big = outboxFile("promo/anna.mp4", (int) (2.5 * PART), 1);       // three parts
            Path small = outboxFile("promo/anna.report.json", 700, 2);
            Path exact = outboxFile("bob.mp4", (int) PART, 3);                     // exactly one part
            store.markDone("k1", "promo/anna.mp4", List.of("promo/anna.mp4", "promo/anna.report.json"));

            s3.stop(); // the server is down when the first uploads are due
            DeliveryProblems[] problems = new DeliveryProblems[1];
            Main main = startRoute(settings(s3, S3ProxyServer.SECRET_KEY, "videos"), store, problems);
            try {
                await(() -> log.count("cannot be reached") > 0, 30, "the outage to be noticed");
                Thread.sleep(1500); // several retries while down
                assertEquals(1, log.count("cannot be reached"), "one line per cause, not one per retry:\n" + log.lines());
                assertEquals(2, store.pendingDeliveries(), "still pending while the server is down");
                assertTrue(Files.exists(big), "the result stays in the outbox");

                s3.start();
                store.markDone("k2", "bob.mp4", List.of("bob.mp4"));
                await(() -> store.pendingDeliveries() == 0, 60, "every upload to be confirmed");
                assertEquals(1, log.count("S3 delivery works again"));
            } finally {
                main.stop();
            }
            for (Path f : List.of(big, small, exact)) {
                String key = "factory/" + home.resolve("outbox").relativize(f);
                ResponseBytes<?> object = admin.getObjectAsBytes(b -> b.bucket("videos").key(key));
                assertArrayEquals(Files.readAllBytes(f), object.asByteArray(), key + " byte for byte");
                assertTrue(store.isDelivered(home.resolve("outbox").relativize(f).toString()));
                assertEquals(1, log.count("delivered outbox/" + home.resolve("outbox").relativize(f) + " "), "uploaded once: " + key);
            }
            assertEquals("video/mp4", admin.headObject(b -> b.bucket("videos").key("factory/promo/anna.mp4")).contentType());

            // A restart that lost the confirmation (or another node): the object is recognised, not uploaded again.
            Instant before = admin.headObject(b -> b.bucket("videos").key("factory/promo/anna.mp4")).lastModified();
            store.markDone("k1", "promo/anna.mp4", List.of("promo/anna.mp4"));
            Thread.sleep(1100);
            Main again = startRoute(settings(s3, S3ProxyServer.SECRET_KEY, "videos"), store, problems);
            try {
                await(() -> store.pendingDeliveries() == 0, 30, "the re-check");
            } finally {
                again.stop();
            }
            assertEquals(1, log.count("already holds outbox/promo/anna.mp4: not uploaded again"), log.lines().toString());
            assertEquals(before, admin.headObject(b -> b.bucket("videos").key("factory/promo/anna.mp4")).lastModified());
        }
    }

    @Test
    void wrongCredentialsAndAMissingBucketGiveOneClearLineEachAndKeepTheFilePending() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(home.resolve("s3")).start();
             H2JobStore store = new H2JobStore(home.resolve("data"));
             CapturedLog log = new CapturedLog()) {
            admin(s3).createBucket(b -> b.bucket("videos"));
            outboxFile("x.mp4", 1000, 4);
            store.markDone("k", "x.mp4", List.of("x.mp4"));
            DeliveryProblems[] problems = new DeliveryProblems[1];

            Main main = startRoute(settings(s3, "not-the-secret", "videos"), store, problems);
            try {
                await(() -> log.count("refused LipDrop's credentials") > 0, 30, "the credentials error");
                Thread.sleep(1500);
            } finally {
                main.stop();
            }
            assertEquals(1, log.count("refused LipDrop's credentials for bucket 'videos'"), log.lines().toString());
            assertTrue(problems[0].current().contains("lipdrop.s3.secret-key"));
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("not-the-secret")), "the secret never reaches the log");
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("(null)")), "the line names the refusal, not a null: " + log.lines());
            assertEquals(1, store.pendingDeliveries());

            main = startRoute(settings(s3, S3ProxyServer.SECRET_KEY, "no-such-bucket"), store, problems);
            try {
                await(() -> log.count("bucket 'no-such-bucket' does not exist") > 0, 30, "the missing bucket error");
                Thread.sleep(1500);
            } finally {
                main.stop();
            }
            assertEquals(1, log.count("bucket 'no-such-bucket' does not exist"), log.lines().toString());
            assertEquals(1, store.pendingDeliveries());
            assertTrue(Files.exists(home.resolve("outbox/x.mp4")));
        }
    }
}
