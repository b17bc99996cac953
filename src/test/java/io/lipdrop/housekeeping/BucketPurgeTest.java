package io.lipdrop.housekeeping;

import io.lipdrop.Settings;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.CapturedLog;
import io.lipdrop.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's purge of the bucket in bucket mode, against a real s3proxy server. s3proxy stamps LastModified with the
 * upload time, so the purge's clock is moved forward instead of the objects back.
 */
class BucketPurgeTest {
    static final String BUCKET = "lipdrop";
    static final Duration OUTBOX = Duration.ofDays(7);
    static final Duration ARCHIVE = Duration.ofDays(30);

    @TempDir Path dir;
    // one server for the class (each start takes seconds), a bucket of its own for each test
    static S3ProxyServer server;
    static int buckets;
    S3Client admin;
    String bucket;

    static final List<String> RESULTS = List.of("outbox/a.mp4", "outbox/a.report.json", "outbox/promo/b.mp4",
            "outbox/promo/b.report.json", "outbox/promo/deep/c.mp4");
    static final List<String> ARCHIVED = List.of("archive/2026-12-01/a.mp4", "archive/2026-12-01/a.wav",
            "archive/2026-12-02/b.mp4", "archive/failed/2026-12-01/x.mp4", "archive/failed/2026-12-01/x.error.txt");
    // drops not yet taken, and a key outside LipDrop's prefixes: never the purge's
    static final List<String> UNTOUCHABLE = List.of("inbox/drop.mp4", "inbox/drop.wav", "inbox/drop.ready",
            "inbox/promo/late.mp4", "elsewhere/keep.txt", "outboxes/not-ours.mp4");

    @BeforeAll
    static void startServer(@TempDir Path serverDir) throws Exception {
        server = new S3ProxyServer(serverDir.resolve("s3")).start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop();
    }

    @BeforeEach
    void start() throws Exception {
        bucket = BUCKET + "-" + (++buckets);
        admin = S3ClientFactory.create(s3Settings());
        admin.createBucket(b -> b.bucket(bucket));
        int i = 0;
        for (List<String> keys : List.of(RESULTS, ARCHIVED, UNTOUCHABLE)) {
            for (String key : keys) {
                byte[] data = new byte[100 + i++];
                admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) admin.close();
    }

    S3Settings s3Settings() {
        return s3Settings(server.endpoint());
    }

    S3Settings s3Settings(String endpoint) {
        return new S3Settings(bucket, "outbox", "us-east-1", endpoint, true, S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, S3Settings.MIN_PART_SIZE, 200, 1000, 5);
    }

    /** Two keys a page: the 16 objects take several pages, as a real bucket's thousands would. */
    BucketPurge purge(Duration ahead) {
        return new BucketPurge(s3Settings(), "archive", "inbox", OUTBOX, ARCHIVE, 2, Clock.offset(Clock.systemUTC(), ahead));
    }

    Set<String> keys() {
        return admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> union(List<?>... lists) {
        Set<String> s = new TreeSet<>();
        for (List<?> l : lists) l.forEach(k -> s.add((String) k));
        return s;
    }

    static long bytes(int from, int count) {
        long b = 0;
        for (int i = from; i < from + count; i++) b += 100 + i;
        return b;
    }

    @Test
    void resultsGoAfterTheOutboxRetentionTheArchiveAfterItsOwnAndTheInboxNever() {
        // the server does page at two keys: the purge below follows the continuation tokens to reach all five results
        assertTrue(admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("outbox/").maxKeys(2)).stream().count() >= 3);
        HousekeepingReport fresh = new HousekeepingReport(false);
        purge(Duration.ofDays(6)).run(fresh);
        assertEquals(0, fresh.bucketObjects(), "nothing is old enough yet");
        assertEquals(union(RESULTS, ARCHIVED, UNTOUCHABLE), keys());

        HousekeepingReport eightDays = new HousekeepingReport(false);
        purge(Duration.ofDays(8)).run(eightDays);
        assertNull(eightDays.bucketProblem());
        assertEquals(RESULTS.size(), eightDays.bucketObjects());
        assertEquals(bytes(0, RESULTS.size()), eightDays.bucketBytes());
        assertEquals(union(ARCHIVED, UNTOUCHABLE), keys(), "the results went, the archive stays a month");

        HousekeepingReport dry = new HousekeepingReport(true);
        purge(Duration.ofDays(31)).run(dry);
        assertEquals(ARCHIVED.size(), dry.bucketObjects(), "a dry run counts what would go");
        assertTrue(dry.summary().contains("would delete " + ARCHIVED.size() + " object(s)"), dry.summary());
        assertEquals(union(ARCHIVED, UNTOUCHABLE), keys(), "and deletes nothing");

        HousekeepingReport month = new HousekeepingReport(false);
        purge(Duration.ofDays(31)).run(month);
        assertEquals(ARCHIVED.size(), month.bucketObjects());
        assertEquals(bytes(RESULTS.size(), ARCHIVED.size()), month.bucketBytes());
        assertEquals(union(UNTOUCHABLE), keys(), "the inbox and keys outside LipDrop's prefixes are never purged");

        HousekeepingReport years = new HousekeepingReport(false);
        purge(Duration.ofDays(3650)).run(years);
        assertEquals(0, years.bucketObjects());
        assertEquals(union(UNTOUCHABLE), keys());
    }

    @Test
    void moreThanOneDeleteBatchGoesInSeveralRequests() {
        // 1000 keys a DeleteObjects request at most: 1003 old results take two
        for (int i = 0; i < BucketPurge.DELETE_BATCH + 3 - RESULTS.size(); i++) {
            String key = "outbox/many/" + i + ".mp4";
            admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(new byte[1]));
        }
        HousekeepingReport r = new HousekeepingReport(false);
        new BucketPurge(s3Settings(), "archive", "inbox", OUTBOX, ARCHIVE, 1000,
                Clock.offset(Clock.systemUTC(), Duration.ofDays(8))).run(r);
        assertNull(r.bucketProblem());
        assertEquals(BucketPurge.DELETE_BATCH + 3, r.bucketObjects());
        assertEquals(union(ARCHIVED, UNTOUCHABLE), keys());
    }

    @Test
    void aBucketThatCannotBeReachedIsOneWarningAndThePassGoesOn() throws Exception {
        try (CapturedLog log = new CapturedLog(); H2JobStore store = new H2JobStore(dir.resolve("data"))) {
            Path home = dir.resolve("node");
            Path old = oldFile(home.resolve("outbox/old.mp4"), 10);
            store.markDone("k", "old.mp4", List.of("old.mp4"));
            store.markDelivered("old.mp4", "e");
            // nothing listens on port 9: the bucket cannot be reached
            BucketPurge away = new BucketPurge(s3Settings("http://127.0.0.1:9"), "archive", "inbox", OUTBOX, ARCHIVE, 2,
                    Clock.offset(Clock.systemUTC(), Duration.ofDays(8)));
            Housekeeper h = bucketModeHousekeeper(home, store, away);
            HousekeepingReport r = assertDoesNotThrow(h::runScheduled);
            assertNotNull(r.bucketProblem());
            assertTrue(r.summary().contains("bucket not purged"), r.summary());
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("not purged")).count(),
                    log.lines().toString());
            // the node's own pass does not need the bucket
            h.runLocal();
            assertFalse(Files.exists(old));
        }
    }

    @Test
    void inBucketModeEachNodePurgesItsOwnOutboxAndArchiveAndTheLeaderTheBucket() throws Exception {
        Path home = dir.resolve("node");
        try (H2JobStore store = new H2JobStore(dir.resolve("data"))) {
            Path delivered = oldFile(home.resolve("outbox/promo/old.mp4"), 10);
            store.markDone("k1", "promo/old.mp4", List.of("promo/old.mp4"));
            store.markDelivered("promo/old.mp4", "e");
            Path undelivered = oldFile(home.resolve("outbox/waiting.mp4"), 10);
            store.markDone("k2", "waiting.mp4", List.of("waiting.mp4"));
            Path young = oldFile(home.resolve("outbox/new.mp4"), 2);
            Path oldArchive = oldFile(home.resolve("archive/2026-10-01/a.wav"), 40);
            Path youngArchive = oldFile(home.resolve("archive/2026-11-20/b.wav"), 3);
            Path leftover = oldFile(home.resolve("work/deadbeef/video.mp4"), 0);

            Housekeeper h = bucketModeHousekeeper(home, store, purge(Duration.ofDays(8)));
            HousekeepingReport leader = h.runScheduled();
            for (Path p : List.of(delivered, undelivered, young, oldArchive, youngArchive, leftover)) {
                assertTrue(Files.exists(p), "the leader's pass is the bucket's, not this node's folders: " + p);
            }
            assertEquals(RESULTS.size(), leader.bucketObjects());
            assertEquals(union(ARCHIVED, UNTOUCHABLE), keys());

            HousekeepingReport local = h.runLocal();
            for (Path gone : List.of(delivered, oldArchive, leftover)) assertFalse(Files.exists(gone), "purged " + gone);
            for (Path kept : List.of(undelivered, young, youngArchive)) assertTrue(Files.exists(kept), "kept " + kept);
            assertTrue(local.entries().stream().anyMatch(e -> e.path().equals(undelivered) && e.why().contains("not yet confirmed in S3")));
            assertEquals(0, local.bucketObjects(), "every node's own pass leaves the bucket to the leader");

            // bucket-purge=false: the leader's pass has nothing to do (a lifecycle rule expires the bucket)
            Path later = oldFile(home.resolve("outbox/later.mp4"), 10);
            store.markDone("k3", "later.mp4", List.of("later.mp4"));
            store.markDelivered("later.mp4", "e");
            HousekeepingReport none = bucketModeHousekeeper(home, store, null).runScheduled();
            assertTrue(none.entries().isEmpty());
            assertTrue(Files.exists(later));
        }
    }

    @Test
    void inFolderModeTheLocalPassLeavesTheSharedOutboxToTheLeader() throws Exception {
        Path home = dir.resolve("node");
        try (H2JobStore store = new H2JobStore(dir.resolve("data"))) {
            Path old = oldFile(home.resolve("outbox/old.mp4"), 10);
            store.markDone("k", "old.mp4");
            Housekeeper h = new Housekeeper(home.resolve("outbox"), home.resolve("archive"), home.resolve("work"), store, false,
                    key -> false, new HousekeepingSettings(OUTBOX, ARCHIVE, 0.9, 0.8), LipDropMetrics.none(), Clock.systemUTC());
            h.runLocal();
            assertTrue(Files.exists(old));
            h.runScheduled();
            assertFalse(Files.exists(old));
        }
    }

    @Test
    void theSettingsTurnItOnOnlyInBucketModeWithBucketPurge() {
        assertNull(BucketPurge.from(settings(Map.of()), S3Settings.from(settings(Map.of()))), "folder mode: no bucket to purge");
        Settings bucket = settings(Map.of("lipdrop.intake.source", "s3"));
        BucketPurge p = BucketPurge.from(bucket, S3Settings.from(bucket));
        assertNotNull(p);
        assertTrue(p.describe().contains("s3://lipdrop/outbox/ after 7 days") && p.describe().contains("s3://lipdrop/archive/ after 30 days"),
                p.describe());
        Settings lifecycle = settings(Map.of("lipdrop.intake.source", "s3", "lipdrop.housekeeping.bucket-purge", "false"));
        assertNull(BucketPurge.from(lifecycle, S3Settings.from(lifecycle)), "false: the bucket's lifecycle rule does it");
    }

    @Test
    void aKeyFallsUnderTheLongestPrefixAndTheInboxIsNeverPurged() {
        // prefixes nested in one another: each key keeps its own rule
        BucketPurge p = new BucketPurge(new S3Settings(BUCKET, "data", "us-east-1", "", false, "", "", S3Settings.MIN_PART_SIZE,
                1, 1, 1), "data/archive/", "/data/inbox", OUTBOX, ARCHIVE, 2, Clock.systemUTC());
        assertEquals("data", p.ownerOf("data/a.mp4"));
        assertEquals("data/archive", p.ownerOf("data/archive/2026-12-01/a.mp4"));
        assertEquals("data/inbox", p.ownerOf("data/inbox/drop.mp4"));
        assertNull(p.ownerOf("datax/a.mp4"));
        BucketPurge same = new BucketPurge(new S3Settings(BUCKET, "inbox", "us-east-1", "", false, "", "", S3Settings.MIN_PART_SIZE,
                1, 1, 1), "archive", "inbox", OUTBOX, ARCHIVE, 2, Clock.systemUTC());
        assertEquals("inbox", same.ownerOf("inbox/a.mp4"));
    }

    private Settings settings(Map<String, String> extra) {
        Properties p = new Properties();
        p.setProperty("lipdrop.home", dir.resolve("home").toString());
        p.setProperty("lipdrop.s3.bucket", BUCKET);
        p.setProperty("lipdrop.s3.endpoint", server.endpoint());
        extra.forEach(p::setProperty);
        return Settings.load(Map.<String, String>of(), p);
    }

    private static Housekeeper bucketModeHousekeeper(Path home, H2JobStore store, BucketPurge bucket) {
        return new Housekeeper(home.resolve("outbox"), home.resolve("archive"), home.resolve("work"), store, true, key -> false,
                new HousekeepingSettings(OUTBOX, ARCHIVE, 0.9, 0.8), LipDropMetrics.none(), Clock.systemUTC(), true, bucket);
    }

    private static Path oldFile(Path f, int days) throws Exception {
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofDays(days)).minusSeconds(60)));
        return f;
    }
}
