package io.lipdrop.jobs;

import io.lipdrop.intake.DropPlanner;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.job.Callback;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobOutput;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.JobTask;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.Fixtures;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steps of delivering a duplicate, on real files and the real H2 store: a run cut short after the link
 * (before the report and the record) is finished by the next run without a second record or event, and a
 * result housekeeping already deleted is made again instead of being delivered from nothing.
 */
class DuplicateDeliveryTest {
    private static final String KEY = "ab12cd34".repeat(8);
    private static final CallbackQueue EVENTS = (event, key, job, json) -> Callback.of(event, key, job.name(), "http://127.0.0.1:1/", json);

    @TempDir Path home;

    private JobTask drop(String name) throws Exception {
        Path inbox = home.resolve("inbox");
        Fixtures.copy("speech_en_16k.wav", inbox, name + ".wav");
        Fixtures.copy("face_astronaut.png", inbox, name + ".png");
        return new DropPlanner(inbox, new JobKeys("model", "settings")).plan(inbox.resolve(name + ".wav").toFile()).jobs().get(0);
    }

    /** anna.mp4 made earlier: a video (any bytes will do here) and its report. */
    private Path madeEarlier(JobStore store) throws Exception {
        Path outbox = home.resolve("outbox");
        Files.createDirectories(outbox);
        Path video = Files.write(outbox.resolve("anna.mp4"), new byte[64 * 1024]);
        Files.writeString(outbox.resolve("anna.report.json"), "{\"status\":\"done\",\"job\":\"anna.mp4\",\"output\":\"anna.mp4\",\"key\":\"" + KEY
                + "\",\"frames\":250,\"inputs\":{\"audio\":{\"file\":\"anna.wav\"},\"template\":{\"file\":\"anna.png\"}}}");
        assertTrue(store.markDone(KEY, "anna.mp4", List.of(), null, null));
        return video;
    }

    @Test
    void aDeliveryCutShortAfterTheLinkIsFinishedOnceByTheNextRun() throws Exception {
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            Path original = madeEarlier(store);
            JobTask renamed = drop("renamed");
            Path outbox = home.resolve("outbox");
            // the crash: the link is in place, no report, nothing recorded
            SafeMoves.publishLink(original, outbox.resolve("renamed.mp4"));

            DuplicateDelivery duplicates = new DuplicateDelivery(store, outbox, true, LipDropMetrics.none(), EVENTS);
            duplicates.deliver(renamed, KEY, store.find(KEY).orElseThrow());
            assertTrue(Files.isSameFile(original, outbox.resolve("renamed.mp4")), "the link is kept, not made a second time under another name");
            assertFalse(Files.exists(outbox.resolve("renamed." + KEY.substring(0, 8) + ".mp4")));
            JsonObject report = (JsonObject) Jsoner.deserialize(Files.readString(outbox.resolve("renamed.report.json")));
            assertEquals(KEY, report.getString("reused"));
            assertEquals("renamed.png", report.getString("job"), "the job as the user dropped it");
            assertEquals("renamed.mp4", report.getString("output"));
            assertEquals("anna.mp4", report.getString("reusedFrom"));
            assertEquals(250, report.getInteger("frames"), "the original's report, with this drop's names");
            assertEquals("renamed.png", ((JsonObject) ((JsonObject) report.get("inputs")).get("template")).getString("file"));
            assertEquals(KEY, store.findByOutput("renamed.mp4").orElseThrow().key());
            assertEquals(2, store.pendingDeliveries(), "the video and its report, under their own keys");
            assertEquals(1, store.pendingCallbacks());
            assertEquals(Files.readString(outbox.resolve("renamed.report.json")), store.dueCallbacks(Long.MAX_VALUE, 5).get(0).body(),
                    "the event's body is the report");

            // the drop polled again (another node, or before it was archived): nothing more
            duplicates.deliver(renamed, KEY, store.find(KEY).orElseThrow());
            assertEquals(1, store.pendingCallbacks());
            assertEquals(List.of("anna.mp4", "renamed.mp4"), store.outputs(KEY).stream().map(JobOutput::output).toList());
            try (var files = Files.list(outbox)) {
                assertEquals(List.of("anna.mp4", "anna.report.json", "renamed.mp4", "renamed.report.json"),
                        files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left behind");
            }
        }
    }

    @Test
    void aResultHousekeepingDeletedIsMadeAgain() throws Exception {
        try (H2JobStore store = new H2JobStore(home.resolve("data"))) {
            Files.delete(madeEarlier(store));
            JobTask again = drop("again");
            new DuplicateDelivery(store, home.resolve("outbox"), false, LipDropMetrics.none(), EVENTS)
                    .deliver(again, KEY, store.find(KEY).orElseThrow());
            assertEquals(JobStatus.QUEUED, store.find(KEY).orElseThrow().status(), "reopened: the next poll makes it");
            assertFalse(Files.exists(home.resolve("outbox/again.mp4")));
            assertEquals(0, store.pendingCallbacks());
        }
    }

    /**
     * Bucket mode: node-a made anna.mp4 and has not uploaded it yet. Node-b, seeing the job done, waits while node-a
     * lives (nothing linked, nothing reopened); once the files are in the bucket the job is simply there; a result
     * whose node stopped before uploading it is lost with that node's disk, and the job is made again.
     */
    @Test
    void inBucketModeAResultOnItsWayIsWaitedForAndOneLostWithItsNodeIsMadeAgain() throws Exception {
        JobStore[] nodes = io.lipdrop.testing.TwoNodes.stores("h2", home, null, java.time.Duration.ofSeconds(30));
        try (JobStore a = nodes[0]; JobStore b = nodes[1]) {
            JobTask anna = drop("anna");
            Path outboxB = home.resolve("node-b/outbox");
            DuplicateDelivery atB = new DuplicateDelivery(b, outboxB, true, LipDropMetrics.none(), EVENTS,
                    io.lipdrop.job.ResultSharing.bucket(1, io.lipdrop.job.ResultFetcher.NONE));
            a.heartbeat("host-a", 1, "/a");
            assertTrue(a.claim(KEY));
            assertTrue(a.markDone(KEY, "anna.mp4", List.of("anna.mp4", "anna.report.json"), null, null));

            atB.deliver(anna, KEY, b.find(KEY).orElseThrow());
            assertEquals(JobStatus.DONE, b.find(KEY).orElseThrow().status(), "node-a lives and uploads it: waited for");
            assertFalse(Files.exists(outboxB.resolve("anna.mp4")));
            assertEquals(2, b.pendingDeliveries(KEY));

            a.markDelivered("anna.mp4", "etag-1");
            a.markDelivered("anna.report.json", "etag-2");
            Thread.sleep(1500); // node-a is no longer seen; its result is in the bucket, so that does not matter
            atB.deliver(anna, KEY, b.find(KEY).orElseThrow());
            assertEquals(JobStatus.DONE, b.find(KEY).orElseThrow().status(), "in the bucket: done, not made again");
            assertEquals(0, b.pendingCallbacks(), "no second event");

            // the same content done by node-a again (a redo, say), and node-a killed before its upload
            String other = "cd34ef56".repeat(8);
            a.heartbeat("host-a", 1, "/a");
            assertTrue(a.claim(other));
            assertTrue(a.markDone(other, "anna.mp4", List.of("anna.mp4"), null, null));
            atB.deliver(anna, other, b.find(other).orElseThrow());
            assertEquals(JobStatus.DONE, b.find(other).orElseThrow().status(), "node-a was seen a moment ago");
            Thread.sleep(1500);
            atB.deliver(anna, other, b.find(other).orElseThrow());
            assertEquals(JobStatus.QUEUED, b.find(other).orElseThrow().status(), "lost with node-a: reopened, the next poll makes it");
        }
    }
}
