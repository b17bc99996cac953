package io.lipdrop.jobs;

import io.lipdrop.delivery.BucketResults;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.intake.DropPlanner;
import io.lipdrop.job.Callback;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobOutput;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.JobTask;
import io.lipdrop.job.ResultSharing;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.S3ProxyServer;
import io.lipdrop.testing.TwoNodes;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bucket mode: the same content dropped again under another name on a node that did not make it. The result is in
 * the bucket and in the other node's outbox only; it is fetched from the bucket (a real s3proxy) and delivered under
 * the new name, not made again.
 */
class BucketReuseTest {
    private static final String KEY = "ab12cd34".repeat(8);
    private static final CallbackQueue EVENTS = (event, key, job, json) -> Callback.of(event, key, job.name(), "http://127.0.0.1:1/", json);

    @TempDir Path home;

    @Test
    void aDuplicateOfAResultMadeOnAnotherNodeIsFetchedFromTheBucketNotMadeAgain() throws Exception {
        byte[] video = new byte[200_000];
        new Random(3).nextBytes(video);
        String report = "{\"status\":\"done\",\"job\":\"anna.png\",\"output\":\"anna.mp4\",\"key\":\"" + KEY
                + "\",\"frames\":250,\"inputs\":{\"audio\":{\"file\":\"anna.wav\"},\"template\":{\"file\":\"anna.png\"}}}";
        JobStore[] nodes = TwoNodes.stores("h2", home, null, Duration.ofSeconds(30));
        try (S3ProxyServer server = new S3ProxyServer(home.resolve("s3")).start(); JobStore a = nodes[0]; JobStore b = nodes[1]) {
            S3Settings settings = new S3Settings("results", "outbox", "us-east-1", server.endpoint(), true, S3ProxyServer.ACCESS_KEY,
                    S3ProxyServer.SECRET_KEY, 5L << 20, 1, 1, 10);
            try (S3Client s3 = S3ClientFactory.create(settings)) {
                s3.createBucket(r -> r.bucket("results"));
                // node-a made anna.mp4 and uploaded it with its report
                assertEquals(true, a.claim(KEY));
                a.markDone(KEY, "anna.mp4", List.of("anna.mp4", "anna.report.json"), null, null);
                s3.putObject(r -> r.bucket("results").key("outbox/anna.mp4"), RequestBody.fromBytes(video));
                s3.putObject(r -> r.bucket("results").key("outbox/anna.report.json"), RequestBody.fromString(report));
                a.markDelivered("anna.mp4", "e1");
                a.markDelivered("anna.report.json", "e2");

                // node-b gets the same content as renamed.wav + renamed.png
                Path inbox = home.resolve("node-b/inbox");
                Fixtures.copy("speech_en_16k.wav", inbox, "renamed.wav");
                Fixtures.copy("face_astronaut.png", inbox, "renamed.png");
                JobTask renamed = new DropPlanner(inbox, new JobKeys("model", "settings")).plan(inbox.resolve("renamed.wav").toFile()).jobs().get(0);
                Path outbox = home.resolve("node-b/outbox");
                new DuplicateDelivery(b, outbox, true, LipDropMetrics.none(), EVENTS, ResultSharing.bucket(30, new BucketResults(s3, settings)))
                        .deliver(renamed, KEY, b.find(KEY).orElseThrow());

                assertEquals(JobStatus.DONE, b.find(KEY).orElseThrow().status(), "not reopened: nothing is made again");
                assertArrayEquals(video, Files.readAllBytes(outbox.resolve("renamed.mp4")), "the bucket's video under this drop's name");
                JsonObject reused = (JsonObject) Jsoner.deserialize(Files.readString(outbox.resolve("renamed.report.json")));
                assertEquals(KEY, reused.getString("reused"));
                assertEquals("anna.mp4", reused.getString("reusedFrom"));
                assertEquals(250, reused.getInteger("frames"), "the original's report, with this drop's names");
                assertEquals(List.of("anna.mp4", "renamed.mp4"), b.outputs(KEY).stream().map(JobOutput::output).toList());
                assertEquals(2, b.pendingDeliveries(KEY), "the new name's video and report, for node-b to upload");
                assertEquals(1, b.pendingCallbacks(), "one duplicate event");
            }
        }
    }
}
