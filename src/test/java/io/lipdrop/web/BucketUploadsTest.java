package io.lipdrop.web;

import io.lipdrop.delivery.DownloadLinks;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.job.JobProgress;
import io.lipdrop.job.JobStatus;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.S3ProxyServer;
import io.lipdrop.testing.TestMedia;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs page's uploads, redos and quarantine view in bucket mode, with real parts: s3proxy as the bucket, an H2 job
 * store, the page's routes on a real HTTP server, real media (the upload's audio stream is probed). What the page puts
 * must be in the bucket's inbox, with its {@code .ready} marker, and nothing in this node's inbox folder: another node
 * may take the drop, and this node's disk may go.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BucketUploadsTest {
    private static final String TOKEN = "bucket-upload-token-41c0e9d2";
    private static final String BUCKET = "lipdrop";

    @TempDir static Path tmp;
    S3ProxyServer s3proxy;
    S3Client admin;
    H2JobStore store;
    Vertx vertx;
    DownloadLinks links;
    Path home;
    Path media;
    ApiClient api;

    @BeforeAll
    void start() throws Exception {
        media = tmp.resolve("media");
        Path photo = Fixtures.copy("face_astronaut.png", media);
        TestMedia.videoFromPhoto(photo, media.resolve("presenter.mp4"), 160, 120, 1.0, 25);
        TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 1.5);

        s3proxy = new S3ProxyServer(tmp.resolve("s3")).start();
        admin = S3ClientFactory.create(settings());
        admin.createBucket(b -> b.bucket(BUCKET));
        home = tmp.resolve("home");
        store = new H2JobStore(home.resolve("data"), false, "this-node", Duration.ofSeconds(60));

        vertx = Vertx.vertx();
        int port = FreePorts.next();
        links = new DownloadLinks(settings(), 300);
        WebSettings web = new WebSettings(true, "127.0.0.1", port, TOKEN, 4 * 1024 * 1024);
        WebConfiguration config = new WebConfiguration(web, store, new JobProgress(), home.resolve("inbox"), home.resolve("outbox"),
                home.resolve("archive"), home.resolve("data"), 60, List::of, links, "inbox", "archive");
        Router router = Router.router(vertx);
        config.routes().mount(router);
        vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        api = new ApiClient(port).token(TOKEN);
    }

    @AfterAll
    void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (links != null) links.close();
        if (store != null) store.close();
        if (admin != null) admin.close();
        if (s3proxy != null) s3proxy.close();
    }

    /** Each test starts from an empty bucket inbox and archive. */
    @AfterEach
    void emptyTheInboxAndArchive() {
        for (String prefix : List.of("inbox/", "archive/")) {
            for (S3Object o : admin.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
                admin.deleteObject(b -> b.bucket(BUCKET).key(o.key()));
            }
        }
    }

    @Test
    void aSingleUploadIsTheVideoTheAudioAndItsMarkerInTheBucketsInbox() throws Exception {
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", media.resolve("presenter.mp4"))));
        assertEquals(201, r.status(), r.body());
        JsonObject body = json(r.body());
        assertEquals("presenter.wav", body.getString("drop"), "the audio takes the video's name");
        assertEquals(false, body.getBoolean("batch"));
        assertEquals(List.of("presenter.mp4"), body.get("jobs"));

        Map<String, byte[]> inbox = inbox();
        assertEquals(List.of("inbox/presenter.mp4", "inbox/presenter.ready", "inbox/presenter.wav"), List.copyOf(inbox.keySet()));
        assertArrayEquals(Files.readAllBytes(media.resolve("presenter.mp4")), inbox.get("inbox/presenter.mp4"));
        assertArrayEquals(Files.readAllBytes(media.resolve("short-speech_en_16k.wav")), inbox.get("inbox/presenter.wav"));
        assertEquals(0, inbox.get("inbox/presenter.ready").length);
        assertNothingLocal();

        // the same again while the first waits in the bucket: a stem no file in the bucket's inbox has yet
        r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", media.resolve("presenter.mp4"))));
        assertEquals(201, r.status(), r.body());
        assertEquals("presenter (2).wav", json(r.body()).getString("drop"));
        assertTrue(inbox().keySet().containsAll(List.of("inbox/presenter (2).mp4", "inbox/presenter (2).wav", "inbox/presenter (2).ready")),
                inbox().keySet().toString());
        assertNothingLocal();
    }

    @Test
    void aMarkerAloneTakesItsStemToo() throws Exception {
        // a finished drop's marker waits a moment before it is removed: a drop under its stem would be taken half
        admin.putObject(b -> b.bucket(BUCKET).key("inbox/presenter.ready"), RequestBody.empty());
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", media.resolve("presenter.mp4"))));
        assertEquals(201, r.status(), r.body());
        assertEquals("presenter (2).wav", json(r.body()).getString("drop"));
    }

    @Test
    void aBatchIsAFolderInTheBucketsInboxWithItsMarker() throws Exception {
        admin.putObject(b -> b.bucket(BUCKET).key("inbox/promo/other.wav"), RequestBody.fromString("someone else's batch"));
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", media.resolve("presenter.mp4")), ApiClient.Part.file("videos", media.resolve("face_astronaut.png")),
                ApiClient.Part.text("batch", "promo")));
        assertEquals(201, r.status(), r.body());
        JsonObject body = json(r.body());
        assertEquals("promo (2)/", body.getString("drop"), "promo is in the bucket's inbox already");
        assertEquals(true, body.getBoolean("batch"));
        assertEquals(List.of("promo (2)/presenter.mp4", "promo (2)/face_astronaut.png"), body.get("jobs"));

        Map<String, byte[]> inbox = inbox();
        assertEquals(List.of("inbox/promo (2)/.ready", "inbox/promo (2)/face_astronaut.png", "inbox/promo (2)/presenter.mp4",
                "inbox/promo (2)/short-speech_en_16k.wav", "inbox/promo/other.wav"), List.copyOf(inbox.keySet()));
        assertArrayEquals(Files.readAllBytes(media.resolve("face_astronaut.png")), inbox.get("inbox/promo (2)/face_astronaut.png"));
        assertArrayEquals(Files.readAllBytes(media.resolve("short-speech_en_16k.wav")), inbox.get("inbox/promo (2)/short-speech_en_16k.wav"));
        assertNothingLocal();

        // the summary's inbox is the bucket's (what waits there, whichever node takes it), markers left out
        ApiClient.Response summary = api.get("/api/summary");
        assertEquals(200, summary.status(), summary.body());
        assertEquals(List.of(Map.of("name", "promo/", "kind", "batch", "files", List.of("other.wav")),
                Map.of("name", "promo (2)/", "kind", "batch", "files", List.of("face_astronaut.png", "presenter.mp4", "short-speech_en_16k.wav"))),
                json(summary.body()).get("inbox"));
    }

    @Test
    void aRefusedUploadPutsNothingIntoTheBucket() throws Exception {
        Path fake = ApiClient.write(tmp.resolve("fake/speech.wav"), "this is text, not sound");
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", fake), ApiClient.Part.file("videos", media.resolve("presenter.mp4"))));
        assertEquals(422, r.status(), r.body());
        assertEquals("speech.wav", json(r.body()).getString("file"));
        r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", "notes.txt", media.resolve("presenter.mp4"))));
        assertEquals(422, r.status(), r.body());
        assertEquals(Map.of(), inbox());
        assertNothingLocal();
    }

    @Test
    void aRedoCopiesTheArchivedInputsIntoTheBucketsInboxWithTheMarker() throws Exception {
        byte[] wav = Files.readAllBytes(media.resolve("short-speech_en_16k.wav")), mp4 = Files.readAllBytes(media.resolve("presenter.mp4"));
        // the job's inputs, archived by the node that made it; a newer day holds other content under the same names
        put("archive/2026-12-04/anna.wav", wav);
        put("archive/2026-12-04/anna.mp4", mp4);
        byte[] other = wav.clone();
        other[other.length - 1] ^= 1; // the same size: only its SHA-256 tells it apart
        put("archive/2026-12-05/anna.wav", other);
        put("archive/2026-12-05/anna.mp4", "another video".getBytes(StandardCharsets.UTF_8));
        String key = done('a', "anna.mp4", report(null, "anna.wav", wav, "anna.mp4", mp4));

        ApiClient.Response r = api.post("/api/jobs/" + key + "/redo", "");
        assertEquals(200, r.status(), r.body());
        assertEquals(true, json(r.body()).getBoolean("requeued"), r.body());
        assertTrue(json(r.body()).getString("message").contains("from archive/2026-12-04 (inbox/anna.wav)"), r.body());
        assertTrue(store.find(key).orElseThrow().status() != JobStatus.DONE, "the job is reopened");
        Map<String, byte[]> inbox = inbox();
        assertEquals(List.of("inbox/anna.mp4", "inbox/anna.ready", "inbox/anna.wav"), List.copyOf(inbox.keySet()));
        assertArrayEquals(wav, inbox.get("inbox/anna.wav"), "the archived copy whose SHA-256 the report names");
        assertArrayEquals(mp4, inbox.get("inbox/anna.mp4"));
        assertTrue(admin.headObject(b -> b.bucket(BUCKET).key("archive/2026-12-04/anna.wav")).contentLength() > 0, "the archive keeps its copy");
        assertNothingLocal();
    }

    @Test
    void aBatchJobsRedoIsTheBatchFolderWithTheAudioAndItsVideo() throws Exception {
        byte[] wav = Files.readAllBytes(media.resolve("short-speech_en_16k.wav")), png = Files.readAllBytes(media.resolve("face_astronaut.png"));
        put("archive/2026-12-03/promo/script.wav", "an older promo".getBytes(StandardCharsets.UTF_8));
        put("archive/2026-12-03/promo (2)/script.wav", wav);
        put("archive/2026-12-03/promo (2)/bob.png", png);
        String key = done('b', "promo/bob.mp4", report("promo", "script.wav", wav, "bob.png", png));

        ApiClient.Response r = api.post("/api/jobs/" + key + "/redo", "");
        assertEquals(200, r.status(), r.body());
        assertEquals(true, json(r.body()).getBoolean("requeued"), r.body());
        Map<String, byte[]> inbox = inbox();
        assertEquals(List.of("inbox/promo/.ready", "inbox/promo/bob.png", "inbox/promo/script.wav"), List.copyOf(inbox.keySet()));
        assertArrayEquals(wav, inbox.get("inbox/promo/script.wav"));
    }

    @Test
    void aRedoWhoseInputsAreGoneReopensTheJobAndSaysWhatToDropIntoTheBucket() throws Exception {
        byte[] wav = "gone".getBytes(StandardCharsets.UTF_8);
        String key = done('c', "carol.mp4", report(null, "carol.wav", wav, "carol.mp4", wav));
        ApiClient.Response r = api.post("/api/jobs/" + key + "/redo", "");
        assertEquals(200, r.status(), r.body());
        assertEquals(false, json(r.body()).getBoolean("requeued"), r.body());
        String message = json(r.body()).getString("message");
        assertTrue(message.contains("drop carol.wav and carol.mp4 into s3://lipdrop/inbox/ again"), message);
        assertTrue(store.find(key).orElseThrow().status() != JobStatus.DONE, "reopened all the same");
        assertEquals(Map.of(), inbox());
    }

    @Test
    void theQuarantineViewListsTheReportsInTheBucketsArchive() throws Exception {
        put("archive/failed/2026-12-04/muted.wav.error.txt", String.join("\n", "LipDrop could not process: muted.wav", "When: yesterday",
                "Reason: muted.wav: the file has no audio stream", "What to do: Drop the speech with an audio track.", "").getBytes(StandardCharsets.UTF_8));
        put("archive/failed/2026-12-04/muted.wav", "text".getBytes(StandardCharsets.UTF_8));
        put("archive/failed/2026-12-05/promo/broken.mp4.error.txt", String.join("\n", "LipDrop could not process: promo/broken.mp4",
                "When: today", "Reason: no video", "What to do: Replace it.", "Note: the batch's audio promo/script.wav is archived with the batch", "")
                .getBytes(StandardCharsets.UTF_8));
        ApiClient.Response r = api.get("/api/quarantine");
        assertEquals(200, r.status(), r.body());
        JsonArray items = (JsonArray) json(r.body()).get("quarantined");
        assertEquals(2, items.size(), r.body());
        JsonObject newest = (JsonObject) items.get(0), older = (JsonObject) items.get(1);
        assertEquals("2026-12-05/promo/broken.mp4.error.txt", newest.getString("id"));
        assertEquals("promo/broken.mp4", newest.getString("subject"));
        assertTrue(newest.getString("note").contains("promo/script.wav"), newest.toJson());
        assertEquals("2026-12-04/muted.wav.error.txt", older.getString("id"));
        assertEquals("muted.wav: the file has no audio stream", older.getString("reason"));
    }

    @Test
    void aQuarantinedPairInTheBucketIsTriedAgainFromTheBucketsInbox() throws Exception {
        byte[] mp4 = Files.readAllBytes(media.resolve("presenter.mp4"));
        put("archive/failed/2026-12-04/muted.wav", "text".getBytes(StandardCharsets.UTF_8));
        put("archive/failed/2026-12-04/muted.mp4", mp4);
        put("archive/failed/2026-12-04/muted.wav.error.txt", String.join("\n", "LipDrop could not process: muted.wav", "When: yesterday",
                "Reason: muted.wav: the file has no audio stream", "What to do: Drop the speech with an audio track.", "").getBytes(StandardCharsets.UTF_8));
        put("archive/failed/2026-12-04/notes.txt", "not media".getBytes(StandardCharsets.UTF_8));
        put("archive/failed/2026-12-04/notes.txt.error.txt", String.join("\n", "LipDrop could not process: notes.txt", "When: yesterday",
                "Reason: .txt files are not supported", "What to do: Drop media.", "").getBytes(StandardCharsets.UTF_8));

        ApiClient.Response r = api.post("/api/quarantine/retry", "{\"id\": \"2026-12-04/notes.txt.error.txt\"}");
        assertEquals(409, r.status(), r.body());
        assertTrue(r.body().contains("cannot be tried again as it is"), r.body());
        assertEquals(404, api.post("/api/quarantine/retry", "{\"id\": \"2026-12-04/nobody.wav.error.txt\"}").status());
        assertEquals(400, api.post("/api/quarantine/retry", "{\"id\": \"2026-12-04/../../inbox/x.error.txt\"}").status());

        r = api.post("/api/quarantine/retry", "{\"id\": \"2026-12-04/muted.wav.error.txt\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("muted.wav", json(r.body()).getString("inbox"));
        Map<String, byte[]> inbox = inbox();
        assertEquals(List.of("inbox/muted.mp4", "inbox/muted.ready", "inbox/muted.wav"), List.copyOf(inbox.keySet()));
        assertArrayEquals(mp4, inbox.get("inbox/muted.mp4"));
        assertEquals(List.of("archive/failed/2026-12-04/notes.txt", "archive/failed/2026-12-04/notes.txt.error.txt"), keys("archive/"),
                "moved: the pair and its report have left archive/failed");
        assertNothingLocal();
    }

    @Test
    void aBatchsQuarantinedVideoIsTriedAgainWithTheBatchsAudioFromTheBucketsArchive() throws Exception {
        byte[] wav = Files.readAllBytes(media.resolve("short-speech_en_16k.wav")), png = Files.readAllBytes(media.resolve("face_astronaut.png"));
        put("archive/2026-12-05/promo/script.wav", wav);
        put("archive/failed/2026-12-05/promo/broken.png", png);
        put("archive/failed/2026-12-05/promo/broken.png.error.txt", String.join("\n", "LipDrop could not process: promo/broken.png",
                "When: today", "Reason: no face", "What to do: Replace it.", "Note: the batch's audio promo/script.wav is archived with the batch", "")
                .getBytes(StandardCharsets.UTF_8));
        // a whole batch quarantined as a folder, beside it
        put("archive/failed/2026-12-05/solo/talk.wav", wav);
        put("archive/failed/2026-12-05/solo/a.png", png);
        put("archive/failed/2026-12-05/solo.error.txt", String.join("\n", "LipDrop could not process: solo/", "When: today",
                "Reason: the node stopped", "What to do: Try again.", "").getBytes(StandardCharsets.UTF_8));

        ApiClient.Response r = api.post("/api/quarantine/retry", "{\"id\": \"2026-12-05/promo/broken.png.error.txt\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("promo/", json(r.body()).getString("inbox"));
        r = api.post("/api/quarantine/retry", "{\"id\": \"2026-12-05/solo.error.txt\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("solo/", json(r.body()).getString("inbox"));
        Map<String, byte[]> inbox = inbox();
        assertEquals(List.of("inbox/promo/.ready", "inbox/promo/broken.png", "inbox/promo/script.wav",
                "inbox/solo/.ready", "inbox/solo/a.png", "inbox/solo/talk.wav"), List.copyOf(inbox.keySet()));
        assertArrayEquals(wav, inbox.get("inbox/promo/script.wav"));
        assertArrayEquals(png, inbox.get("inbox/promo/broken.png"));
        assertEquals(List.of("archive/2026-12-05/promo/script.wav"), keys("archive/"), "the archive keeps the batch's audio; the rest moved");

        r = api.post("/api/quarantine/retry", "{\"id\": \"2026-12-05/solo.error.txt\"}");
        assertEquals(404, r.status(), "its report is gone with it: " + r.body());
    }

    private List<String> keys(String prefix) {
        return admin.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).sorted().toList();
    }

    /** A done job made on another node: its video and report delivered to the bucket's outbox. */
    private String done(char c, String output, String report) {
        String key = String.valueOf(c).repeat(64);
        String reportPath = output.substring(0, output.length() - 4) + ".report.json";
        put("outbox/" + reportPath, report.getBytes(StandardCharsets.UTF_8));
        assertTrue(store.markDone(key, output, List.of(output, reportPath), null, null));
        store.markDelivered(reportPath, "etag");
        store.markDelivered(output, "etag");
        return key;
    }

    private static String report(String batch, String audio, byte[] audioBytes, String template, byte[] templateBytes) throws Exception {
        JsonObject inputs = new JsonObject();
        inputs.put("audio", Map.of("file", audio, "sha256", sha256(audioBytes), "bytes", audioBytes.length));
        inputs.put("template", Map.of("file", template, "sha256", sha256(templateBytes), "bytes", templateBytes.length));
        JsonObject o = new JsonObject();
        if (batch != null) o.put("batch", batch);
        o.put("inputs", inputs);
        return o.toJson();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** The bucket's inbox, key by key, in key order. */
    private Map<String, byte[]> inbox() {
        Map<String, byte[]> all = new TreeMap<>();
        for (S3Object o : admin.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("inbox/")).contents()) {
            all.put(o.key(), admin.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray());
        }
        return all;
    }

    /** This node's inbox holds nothing but the empty spool: the upload went to the bucket, its staging is gone. */
    private void assertNothingLocal() throws Exception {
        try (Stream<Path> s = Files.walk(home.resolve("inbox"))) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).toList());
        }
        try (Stream<Path> s = Files.list(home.resolve("inbox"))) {
            assertEquals(List.of(home.resolve("inbox/.uploads")), s.toList(), "no staging folders left");
        }
    }

    private void put(String key, byte[] body) {
        admin.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    }

    private S3Settings settings() {
        return new S3Settings(BUCKET, "outbox", "us-east-1", s3proxy.endpoint(), true, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY,
                S3Settings.MIN_PART_SIZE, 200, 1000, 10);
    }

    private static JsonObject json(String body) throws Exception {
        return (JsonObject) Jsoner.deserialize(body);
    }
}
