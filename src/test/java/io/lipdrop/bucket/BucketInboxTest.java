package io.lipdrop.bucket;

import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.job.IntakeGate;
import io.lipdrop.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bucket as the drop folder, against a real S3 server (s3proxy): what is taken into a node's inbox and when, and
 * how a finished drop's inputs move into the bucket's archive. The polls are driven by hand with a clock the test
 * moves, so "stopped changing" is exact; the full service on two nodes is {@code io.lipdrop.pipeline.BucketClusterTest}.
 */
class BucketInboxTest {
    private static final long STABLE = 3_000;
    private static S3ProxyServer server;
    private static S3Client s3;
    private static int buckets;

    @TempDir Path tmp;
    private final long[] now = {1_000_000};
    private String bucket;

    @BeforeAll
    static void startServer(@TempDir Path dir) throws Exception {
        server = new S3ProxyServer(dir.resolve("s3")).start();
        s3 = S3ClientFactory.create(new S3Settings("x", "", "us-east-1", server.endpoint(), true, S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, 5L << 20, 1, 1, 10));
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
        server.close();
    }

    private BucketInbox node(String name, BucketSettings settings) {
        if (bucket == null) {
            bucket = "drops" + (++buckets);
            s3.createBucket(b -> b.bucket(bucket));
        }
        Path home = tmp.resolve(name);
        return new BucketInbox(s3, bucket, settings, home.resolve("inbox"), home.resolve("archive"), home.resolve("work"),
                home.resolve("data"), new IntakeGate(), () -> now[0]);
    }

    private BucketInbox node(String name) { return node(name, new BucketSettings("inbox", "archive", STABLE, false)); }

    @Test
    void aHalfUploadedBatchIsTakenOnlyOnceItHasStoppedChangingAndArrivesWhole() throws Exception {
        BucketInbox inbox = node("a");
        Path local = tmp.resolve("a/inbox");
        put("inbox/promo/script.wav", "speech");
        put("inbox/promo/v1.mp4", "video one");
        for (int i = 2; i <= 4; i++) {
            pollAfter(inbox, 2_000); // objects still arriving: each poll sees a new one, well within the stable time
            assertFalse(Files.exists(local.resolve("promo")), "taken while video " + i + " was still to come");
            put("inbox/promo/v" + i + ".mp4", "video " + i);
        }
        pollAfter(inbox, 2_000);
        assertFalse(Files.exists(local.resolve("promo")), "the last object just arrived");
        pollAfter(inbox, 2_000);
        assertFalse(Files.exists(local.resolve("promo")), "2 s of quiet is less than the stable time");
        pollAfter(inbox, 1_500);
        assertEquals(Set.of("promo/script.wav", "promo/v1.mp4", "promo/v2.mp4", "promo/v3.mp4", "promo/v4.mp4"), files(local));
        assertEquals("video 3", Files.readString(local.resolve("promo/v3.mp4")));

        // a key nested deeper than a batch folder is never taken, and stays in the bucket
        put("inbox/deep/er/x.mp4", "too deep");
        pollAfter(inbox, 0);
        pollAfter(inbox, STABLE);
        assertFalse(Files.exists(local.resolve("deep")));
        assertTrue(keys().contains("inbox/deep/er/x.mp4"));

        // a key is hostile until checked: none lands in the local inbox's own hidden folders (BucketDropsTest: keys
        // that would leave the inbox)
        put("inbox/.uploads/x.mp4", "video");
        pollAfter(inbox, 0);
        pollAfter(inbox, STABLE);
        assertTrue(keys().contains("inbox/.uploads/x.mp4"));
        assertFalse(Files.exists(local.resolve(".uploads")));

        // taken once: nothing is downloaded again while the drop is being made, even after the local copy moved on
        Files.delete(local.resolve("promo/v4.mp4"));
        pollAfter(inbox, 5_000);
        assertFalse(Files.exists(local.resolve("promo/v4.mp4")), "v4 downloaded a second time");
    }

    @Test
    void aReadyMarkerTakesTheDropAtOnceAndRequiredMarkersHoldTheRestBack() throws Exception {
        BucketInbox optional = node("a");
        put("inbox/anna.wav", "speech");
        put("inbox/anna.mp4", "video");
        put("inbox/anna.ready", "");
        optional.poll();
        assertEquals(Set.of("anna.mp4", "anna.wav"), files(tmp.resolve("a/inbox")), "the marker is not downloaded");

        BucketInbox required = node("b", new BucketSettings("inbox", "archive", STABLE, true));
        put("inbox/bob.wav", "speech");
        put("inbox/bob.mp4", "video");
        pollAfter(required, 0);
        pollAfter(required, 60_000);
        assertEquals(Set.of("anna.mp4", "anna.wav"), files(tmp.resolve("b/inbox")), "bob has no marker: not taken");
        put("inbox/bob.ready", "");
        required.poll();
        assertEquals(Set.of("anna.mp4", "anna.wav", "bob.mp4", "bob.wav"), files(tmp.resolve("b/inbox")));
    }

    @Test
    void finishedInputsMoveIntoTheBucketsArchiveByCopyThenDeleteAndLeaveEveryNodesInbox() throws Exception {
        BucketInbox a = node("a");
        BucketInbox b = node("b");
        byte[] video = new byte[300_000];
        new java.util.Random(7).nextBytes(video);
        put("inbox/anna.wav", "speech");
        s3.putObject(r -> r.bucket(bucket).key("inbox/anna.mp4"), RequestBody.fromBytes(video));
        put("inbox/anna.ready", "");
        a.poll();
        b.poll();
        assertEquals(Set.of("anna.mp4", "anna.wav"), files(tmp.resolve("b/inbox")), "both nodes took it");

        // node a finishes the drop, as the folder intake does: its inputs into its archive, one with an error report
        Path archived = tmp.resolve("a/archive/2026-12-06");
        SafeMoves.moveInto(tmp.resolve("a/inbox/anna.mp4"), archived);
        SafeMoves.moveInto(tmp.resolve("a/inbox/anna.wav"), tmp.resolve("a/archive/failed/2026-12-06"));
        Files.writeString(tmp.resolve("a/archive/failed/2026-12-06/anna.wav.error.txt"), "LipDrop could not process: anna.wav\n");
        a.poll();
        assertEquals(Set.of("archive/2026-12-06/anna.mp4", "archive/failed/2026-12-06/anna.wav",
                "archive/failed/2026-12-06/anna.wav.error.txt", "inbox/anna.ready"), keys());
        assertArrayEquals(video, s3.getObjectAsBytes(r -> r.bucket(bucket).key("archive/2026-12-06/anna.mp4")).asByteArray());
        assertEquals(Set.of(), files(tmp.resolve("a/archive")), "the local archive is emptied once the bucket has it");

        // node b let go of its copy; the spent marker goes once it has been alone for the stable time
        b.poll();
        assertEquals(Set.of(), files(tmp.resolve("b/inbox")));
        pollAfter(a, 0);
        assertTrue(keys().contains("inbox/anna.ready"), "a marker just left alone stays (its files may be on their way)");
        pollAfter(a, STABLE);
        assertFalse(keys().contains("inbox/anna.ready"), keys().toString());

        // the same name dropped again is a new drop
        put("inbox/anna.wav", "speech, take two");
        put("inbox/anna.mp4", "video, take two");
        pollAfter(a, 0);
        pollAfter(a, STABLE);
        assertEquals("speech, take two", Files.readString(tmp.resolve("a/inbox/anna.wav")));
    }

    /** A crash between the archive's steps: the next poll repeats only what is missing, and loses nothing. */
    @Test
    void aCrashBetweenTheStepsOfTheArchiveIsFinishedByTheNextPoll() throws Exception {
        BucketInbox a = node("a");
        put("inbox/bob.wav", "speech");
        put("inbox/bob.mp4", "video");
        put("inbox/bob.ready", "");
        a.poll();
        Path archived = tmp.resolve("a/archive/2026-12-06");
        SafeMoves.moveInto(tmp.resolve("a/inbox/bob.mp4"), archived);
        SafeMoves.moveInto(tmp.resolve("a/inbox/bob.wav"), archived);
        // the crash: bob.mp4 copied into the archive (inbox object and local file still there); bob.wav copied and its
        // inbox object deleted (the local file still there)
        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("inbox/bob.mp4").destinationBucket(bucket).destinationKey("archive/2026-12-06/bob.mp4"));
        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("inbox/bob.wav").destinationBucket(bucket).destinationKey("archive/2026-12-06/bob.wav"));
        s3.deleteObject(r -> r.bucket(bucket).key("inbox/bob.wav"));

        BucketInbox restarted = node("a"); // what was taken is read back from data/
        restarted.poll();
        assertEquals(Set.of("archive/2026-12-06/bob.mp4", "archive/2026-12-06/bob.wav", "inbox/bob.ready"), keys());
        assertEquals("video", s3.getObjectAsBytes(r -> r.bucket(bucket).key("archive/2026-12-06/bob.mp4")).asUtf8String());
        assertEquals(Set.of(), files(tmp.resolve("a/archive")));
        assertEquals(Set.of(), files(tmp.resolve("a/inbox")), "nothing taken again");
    }

    @Test
    void anUnreachableBucketIsSaidOnceAndTheNextPollCarriesOn() throws Exception {
        BucketInbox a = node("a", new BucketSettings("inbox", "archive", STABLE, false));
        try (S3Client wrong = S3ClientFactory.create(new S3Settings("x", "", "us-east-1", "http://127.0.0.1:9", true, "k", "s",
                5L << 20, 1, 1, 2))) {
            BucketInbox away = new BucketInbox(wrong, bucket, new BucketSettings("inbox", "archive", STABLE, false),
                    tmp.resolve("c/inbox"), tmp.resolve("c/archive"), tmp.resolve("c/work"), tmp.resolve("c/data"), new IntakeGate(),
                    () -> now[0]);
            away.poll(); // logs a warning, throws nothing
            away.poll();
        }
        put("inbox/x.wav", "speech");
        put("inbox/x.mp4", "video");
        pollAfter(a, 0);
        pollAfter(a, STABLE);
        assertEquals(Set.of("x.mp4", "x.wav"), files(tmp.resolve("a/inbox")));
    }

    private void pollAfter(BucketInbox inbox, long millis) {
        now[0] += millis;
        inbox.poll();
    }

    private void put(String key, String text) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    private Set<String> keys() {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> files(Path root) throws Exception {
        if (!Files.isDirectory(root)) return Set.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

}
