package io.lipdrop.web;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.JobsCommand;
import io.lipdrop.Settings;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON API on a real LipDrop process listening on every address (0.0.0.0), so with a token: who may use it,
 * requests that try to read or write outside LipDrop's folders, bad uploads, and redo and retry end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsApiTest {
    private static final String TOKEN = "test-token-5f0c2a9e41b7d3";

    @TempDir static Path tmp;
    Path media;
    Path home;
    int port;
    LipDropProcess lipdrop;
    ApiClient api;

    @BeforeAll
    void start() throws Exception {
        media = tmp.resolve("media");
        Path photo = Fixtures.copy("face_astronaut.png", media);
        TestMedia.videoFromPhoto(photo, media.resolve("presenter.mp4"), 160, 120, 1.0, 25);
        TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 1.5);
        home = tmp.resolve("home");
        port = FreePorts.next();
        lipdrop = new LipDropProcess(home, "camel.management.host=0.0.0.0", "camel.management.port=" + port,
                "lipdrop.api.token=" + TOKEN, "lipdrop.web.upload-max-mb=1").start();
        lipdrop.waitForLog("jobs page at http://0.0.0.0:" + port + "/ \\(token required\\)", 30);
        api = new ApiClient(port).token(TOKEN);
    }

    @AfterAll
    void stop() throws Exception {
        if (lipdrop != null) lipdrop.close();
    }

    @Test
    @Order(1)
    void listeningBeyondLoopbackWithoutATokenIsRefusedAtStartWithOneErrorLine() throws Exception {
        LipDropProcess refused = new LipDropProcess(tmp.resolve("no-token"), "camel.management.host=0.0.0.0",
                "camel.management.port=" + FreePorts.next());
        int code = refused.startExpectingExit(90);
        assertNotEquals(-1, code, "LipDrop started without a token:\n" + refused.console());
        assertNotEquals(0, code);
        List<String> errors = refused.log().lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), refused.log());
        assertTrue(errors.get(0).contains("not loopback") && errors.get(0).contains("lipdrop.api.token"), errors.get(0));
        assertFalse(refused.log().contains("LipDrop started"));
    }

    @Test
    @Order(2)
    void theApiAsksForTheTokenAndComparesIt() throws Exception {
        ApiClient anonymous = new ApiClient(port);
        assertEquals(401, anonymous.get("/api/summary").status());
        assertTrue(anonymous.get("/api/jobs").body().contains("a valid token is needed"));
        assertEquals(401, new ApiClient(port).token("wrong").get("/api/summary").status());
        assertEquals(401, new ApiClient(port).token(TOKEN + "x").get("/api/summary").status());
        assertEquals(401, new ApiClient(port).token(TOKEN.substring(0, TOKEN.length() - 1)).get("/api/summary").status());
        assertEquals(401, anonymous.raw("/files/outbox/anything.mp4").status());
        assertEquals(401, anonymous.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")))).status());

        ApiClient.Response ok = api.get("/api/summary");
        assertEquals(200, ok.status(), ok.body());
        JsonObject summary = json(ok.body());
        assertEquals(1, ((JsonArray) summary.get("nodes")).size());
        // the browser's way: the page stores the token in a same-site cookie
        HttpResponse<String> cookie = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/summary"))
                .header("Cookie", "lipdrop_token=" + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, cookie.statusCode());
        // the page itself holds no data and loads without the token, to ask for it
        assertEquals(200, anonymous.get("/").status());
        assertTrue(anonymous.get("/").body().contains("<meta name=\"viewport\""));
        // health stays as it was (bin/lipdrop status reads it)
        assertEquals(200, anonymous.get("/observe/health").status());
    }

    @Test
    @Order(3)
    void noRequestReadsOrWritesOutsideLipDropsFolders() throws Exception {
        Path secret = ApiClient.write(home.resolve("data/secret.txt"), "TOPSECRET");
        ApiClient.write(home.resolve("outbox/hello.json"), "{\"hello\": 1}");
        Files.createSymbolicLink(home.resolve("outbox/link.json"), secret);
        Files.createSymbolicLink(home.resolve("outbox/linkdir"), home.resolve("data"));
        assertEquals(200, api.raw("/files/outbox/hello.json").status(), "a file in the outbox is served");

        for (String attempt : List.of("/files/outbox/../data/secret.txt", "/files/outbox/../../etc/passwd",
                "/files/outbox/%2e%2e/data/secret.txt", "/files/outbox/%2e%2e%2fdata%2fsecret.txt", "/files/outbox/..%2F..%2Fhome%2Fdata%2Fsecret.txt",
                "/files/outbox/%252e%252e%252fdata%252fsecret.txt", "/files/outbox/" + secret, "/files/outbox/"
                        + secret.toString().replace("/", "%2F"), "/files/outbox/hello.json%00.mp4", "/files/outbox/..%5cdata%5csecret.txt",
                "/files/outbox/link.json", "/files/outbox/linkdir/secret.txt", "/files/outbox/%c0%ae%c0%ae/data/secret.txt")) {
            ApiClient.Response r = api.raw(attempt);
            assertTrue(r.status() == 400 || r.status() == 404, attempt + " -> " + r.status() + " " + r.body());
            assertFalse(r.body().contains("TOPSECRET"), attempt);
            assertFalse(r.body().contains("root:"), attempt);
        }
        for (String id : List.of("../../data/secret.txt", "../../data/secret.error.txt", secret + ".error.txt", "%2e%2e/x.error.txt",
                "2026-01-01/../../../data/secret.error.txt", "a\u0000.error.txt")) {
            ApiClient.Response r = api.post("/api/quarantine/retry", "{\"id\": " + Jsoner.serialize(id) + "}");
            assertTrue(r.status() == 400 || r.status() == 404, id + " -> " + r.status() + " " + r.body());
        }
        assertEquals(400, api.post("/api/jobs/..%2F..%2Fdata/redo", "").status());
        assertEquals(400, api.post("/api/quarantine/retry", "{not json").status());
        assertEquals("TOPSECRET", Files.readString(secret), "nothing was moved or overwritten");

        // upload names are names, not paths
        for (String evil : List.of("../escape.wav", "/tmp/escape.wav", "..", ".hidden.wav")) {
            ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", evil, media.resolve("short-speech_en_16k.wav")),
                    ApiClient.Part.file("videos", media.resolve("presenter.mp4"))));
            assertEquals(422, r.status(), evil + ": " + r.body());
        }
        Files.copy(media.resolve("presenter.mp4"), media.resolve("second.mp4"));
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", media.resolve("presenter.mp4")), ApiClient.Part.file("videos", media.resolve("second.mp4")),
                ApiClient.Part.text("batch", "../outside")));
        assertEquals(422, r.status(), "a batch name is a name: " + r.body());
        assertFalse(Files.exists(home.resolve("escape.wav")));
        assertFalse(Files.exists(tmp.resolve("outside")));
        assertNothingLeftInTheInbox();
    }

    @Test
    @Order(4)
    void badUploadsAreRefusedNamingTheFileAndTheReason() throws Exception {
        Path audio = media.resolve("short-speech_en_16k.wav"), video = media.resolve("presenter.mp4");
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("videos", video)));
        assertEquals(422, r.status());
        assertEquals("no audio file was sent", json(r.body()).getString("error"));

        r = api.upload(List.of(ApiClient.Part.file("audio", audio)));
        assertEquals(422, r.status());
        assertEquals("no video or photo was sent", json(r.body()).getString("error"));

        Path notes = ApiClient.write(media.resolve("notes.txt"), "not a video");
        r = api.upload(List.of(ApiClient.Part.file("audio", audio), ApiClient.Part.file("videos", notes)));
        assertEquals(422, r.status());
        assertEquals("notes.txt", json(r.body()).getString("file"));
        assertEquals(".txt files are not supported", json(r.body()).getString("error"));
        assertTrue(json(r.body()).getString("advice").contains("mp4"));

        Path fake = ApiClient.write(media.resolve("fake/speech.wav"), "this is text, not sound");
        r = api.upload(List.of(ApiClient.Part.file("audio", fake), ApiClient.Part.file("videos", video)));
        assertEquals(422, r.status(), r.body());
        assertEquals("speech.wav", json(r.body()).getString("file"));

        Path empty = Files.createFile(media.resolve("empty.mp4"));
        r = api.upload(List.of(ApiClient.Part.file("audio", audio), ApiClient.Part.file("videos", empty)));
        assertEquals(422, r.status());
        assertEquals("empty.mp4", json(r.body()).getString("file"));
        assertTrue(json(r.body()).getString("error").contains("empty"));

        r = api.upload(List.of(ApiClient.Part.file("audio", audio), ApiClient.Part.file("videos", video), ApiClient.Part.file("videos", video)));
        assertEquals(422, r.status());
        assertEquals("two files have the same name", json(r.body()).getString("error"));

        Path big = media.resolve("big.mp4");
        Files.write(big, new byte[2 * 1024 * 1024]);
        r = api.upload(List.of(ApiClient.Part.file("audio", audio), ApiClient.Part.file("videos", big)));
        assertEquals(413, r.status(), r.body());
        assertTrue(json(r.body()).getString("error").contains("limit of 1 MB"), r.body());

        r = api.get("/api/jobs?status=sideways");
        assertEquals(400, r.status());
        assertTrue(r.body().contains("unknown status"));
        assertNothingLeftInTheInbox();
        assertEquals(0, lipdrop.count("ERROR"), "a refused upload is the user's mistake, not LipDrop's");
    }

    @Test
    @Order(5)
    void anUploadedJobIsMadeListedServedInRangesAndMadeAgainFromTheArchive() throws Exception {
        ApiClient.Response r = api.upload(List.of(ApiClient.Part.file("audio", media.resolve("short-speech_en_16k.wav")),
                ApiClient.Part.file("videos", media.resolve("presenter.mp4"))));
        assertEquals(201, r.status(), r.body());
        assertEquals("presenter.wav", json(r.body()).getString("drop"), "the audio takes the video's name: a single drop");
        lipdrop.waitForLog("done presenter.mp4 -> outbox/presenter.mp4", 120);

        JsonObject list = json(api.get("/api/jobs?status=done&name=PRESENTER").body());
        JsonArray jobs = (JsonArray) list.get("jobs");
        assertEquals(1, jobs.size(), list.toJson());
        JsonObject job = (JsonObject) jobs.get(0);
        assertEquals("/files/outbox/presenter.mp4", job.getString("video"));
        assertEquals("/files/outbox/presenter.report.json", job.getString("report"));
        assertEquals(0, ((JsonArray) json(api.get("/api/jobs?status=quarantined&name=presenter").body()).get("jobs")).size());

        JsonObject one = json(api.get("/api/jobs/" + job.getString("key")).body());
        assertEquals(38, ((JsonObject) one.get("reportJson")).getInteger("frames"), "1.5 s of speech at 25 frames/s");
        assertEquals(404, api.get("/api/jobs/" + "0".repeat(64)).status());

        // a browser seeks with Range requests
        HttpResponse<byte[]> part = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + job.getString("video")))
                .header("Authorization", "Bearer " + TOKEN).header("Range", "bytes=100-199").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals(100, part.body().length);
        long size = Files.size(home.resolve("outbox/presenter.mp4"));
        assertEquals("bytes 100-199/" + size, part.headers().firstValue("Content-Range").orElseThrow());
        byte[] whole = Files.readAllBytes(home.resolve("outbox/presenter.mp4"));
        assertEquals(new String(whole, 100, 100, StandardCharsets.ISO_8859_1), new String(part.body(), StandardCharsets.ISO_8859_1));
        HttpResponse<byte[]> past = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + job.getString("video")))
                .header("Authorization", "Bearer " + TOKEN).header("Range", "bytes=" + size + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(416, past.statusCode());

        // the command line shows the same list
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(0, jobsCommand(home, "done", out, err), err.toString());
        assertTrue(out.toString().contains("presenter.mp4 -> outbox/presenter.mp4"), out.toString());
        assertEquals(3, jobsCommand(tmp.resolve("never-started"), null, out, err));
        assertTrue(err.toString().contains("lipdrop is not running on"), err.toString());

        // made again: from the archived inputs, replacing the result
        awaitFile(home.resolve("archive").resolve(java.time.LocalDate.now().toString()).resolve("presenter.wav"));
        r = api.post("/api/jobs/" + job.getString("key") + "/redo", "");
        assertEquals(200, r.status(), r.body());
        assertEquals(true, json(r.body()).getBoolean("requeued"), r.body());
        assertTrue(json(r.body()).getString("message").contains("outbox/presenter.mp4 will be replaced"), r.body());
        lipdrop.waitForLog("done presenter.mp4 -> outbox/presenter.mp4", 2, 120);
        assertEquals(2, lipdrop.count("processing presenter.mp4"));
        r = api.post("/api/jobs/" + job.getString("key") + "/redo", "");
        assertTrue(r.status() == 200 || r.status() == 409, r.body());
    }

    @Test
    @Order(6)
    void aQuarantinedDropIsListedWithItsReasonAndCanBeTriedAgain() throws Exception {
        Path inbox = home.resolve("inbox");
        ApiClient.write(inbox.resolve("muted.wav"), "text where a recording should be");
        Files.copy(media.resolve("presenter.mp4"), inbox.resolve("muted.mp4"));
        ApiClient.write(inbox.resolve("notes.txt"), "not media");
        lipdrop.waitForLog("bad input notes.txt", 30);
        lipdrop.waitForLog("bad input muted.wav", 30);

        JsonArray items = (JsonArray) json(api.get("/api/quarantine").body()).get("quarantined");
        JsonObject muted = find(items, "muted.wav");
        assertTrue(muted.getString("reason").startsWith("muted.wav: "), muted.toJson());
        assertTrue(muted.getString("advice").contains("audio track"), muted.toJson());
        JsonObject notes = find(items, "notes.txt");
        assertEquals(".txt files are not supported", notes.getString("reason"));

        ApiClient.Response r = api.post("/api/quarantine/retry", "{\"id\": " + Jsoner.serialize(notes.getString("id")) + "}");
        assertEquals(409, r.status(), "a file of a type LipDrop does not take cannot be retried as it is: " + r.body());
        assertTrue(r.body().contains("cannot be tried again as it is"));

        r = api.post("/api/quarantine/retry", "{\"id\": " + Jsoner.serialize(muted.getString("id")) + "}");
        assertEquals(200, r.status(), r.body());
        assertEquals("muted.wav", json(r.body()).getString("inbox"));
        lipdrop.waitForLog("bad input muted.wav", 2, 30); // back in the inbox, and refused again for the same reason
        assertEquals(1, ((JsonArray) json(api.get("/api/quarantine").body()).get("quarantined")).stream()
                .filter(o -> "muted.wav".equals(((JsonObject) o).getString("subject"))).count());
    }

    @Test
    @Order(7)
    void aBatchsQuarantinedVideoIsTriedAgainWithTheBatchsAudio() throws Exception {
        Path stage = Files.createDirectories(tmp.resolve("stage/promo"));
        Files.copy(media.resolve("short-speech_en_16k.wav"), stage.resolve("script.wav"));
        ApiClient.write(stage.resolve("broken.mp4"), "no video in here");
        Files.move(stage, home.resolve("inbox/promo"));
        lipdrop.waitForLog("bad input promo/broken.mp4", 60);
        // its only video gone, the batch itself is then refused for having none: the audio is in archive/failed
        lipdrop.waitForLog("bad input promo/: the batch folder has no video or photo", 60);

        JsonObject broken = find((JsonArray) json(api.get("/api/quarantine").body()).get("quarantined"), "promo/broken.mp4");
        assertTrue(broken.getString("note").contains("promo/script.wav"), broken.toJson());
        ApiClient.Response r = api.post("/api/quarantine/retry", "{\"id\": " + Jsoner.serialize(broken.getString("id")) + "}");
        assertEquals(200, r.status(), r.body());
        assertEquals("promo/", json(r.body()).getString("inbox"));
        lipdrop.waitForLog("bad input promo/broken.mp4", 2, 60);
        assertTrue(Files.exists(home.resolve("archive/failed").resolve(java.time.LocalDate.now().toString()).resolve("promo (2)/script.wav")),
                "the quarantined batch keeps its audio");
        assertTrue(lipdrop.log().contains("processing promo/broken.mp4 (1/1)"));
        assertEquals(2, lipdrop.count("processing promo/broken.mp4"), "tried again as a batch of its own, with its audio");
    }

    @Test
    @Order(8)
    void aJobRunningOnAnotherNodeShowsThatNodesProgress() throws Exception {
        String key = "b".repeat(64);
        // another node on the same store (here through the service's H2 server; PostgreSQL for real clusters)
        try (io.lipdrop.jobs.JobStore other = new io.lipdrop.jobs.H2JobStore(home.resolve("data"), false, "node-b", java.time.Duration.ofSeconds(60))) {
            other.enqueue(key, "elsewhere.mp4");
            assertTrue(other.claim(key));
            other.saveProgress(key, 30, 120, 6.0, java.time.Instant.now());
            JsonObject job = (JsonObject) ((JsonArray) json(api.get("/api/jobs?status=running").body()).get("jobs")).get(0);
            assertEquals("node-b", job.getString("node"));
            JsonObject progress = (JsonObject) job.get("progress");
            assertEquals(30, progress.getInteger("frames"), job.toJson());
            assertEquals(25.0, ((Number) progress.get("percent")).doubleValue(), 1e-9);
            assertEquals(15, ((Number) progress.get("secondsLeft")).intValue(), "90 frames left at 6 frames/s");
            other.clearProgress(key);
            assertNull(((JsonObject) ((JsonArray) json(api.get("/api/jobs?status=running").body()).get("jobs")).get(0)).get("progress"));
            other.markQuarantined(key, "test over");
        }
    }

    @Test
    @Order(9)
    void aJobsCaptionsAreNamedInItsJsonAndServedAsWebVttBehindTheSameGuardAsItsVideo() throws Exception {
        CaptionedJobs.record(home, "talk", media.resolve("presenter.mp4"), "written", true);
        // a job remade without speech keeps an older pair beside it: its report, not the folder, says there are none
        CaptionedJobs.record(home, "silent", media.resolve("presenter.mp4"), "no speech recognised", true);
        ApiClient.write(home.resolve("outbox/stray.vtt"), "WEBVTT\n\nno job made this\n");
        ApiClient.write(home.resolve("data/secret.vtt"), "WEBVTT\n\nTOPSECRET\n");

        JsonObject talk = (JsonObject) ((JsonArray) json(api.get("/api/jobs?name=talk").body()).get("jobs")).get(0);
        JsonObject captions = (JsonObject) talk.get("captions");
        assertEquals("/files/captions/talk.vtt", captions.getString("vtt"), talk.toJson());
        assertEquals("/files/captions/talk.srt", captions.getString("srt"));
        assertEquals("en", captions.getString("language"));
        JsonObject silent = (JsonObject) ((JsonArray) json(api.get("/api/jobs?name=silent").body()).get("jobs")).get(0);
        assertTrue(silent.containsKey("captions") && silent.get("captions") == null, silent.toJson());

        HttpResponse<String> vtt = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/captions/talk.vtt"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, vtt.statusCode(), vtt.body());
        assertEquals("text/vtt; charset=utf-8", vtt.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", vtt.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals(CaptionedJobs.VTT, vtt.body());
        ApiClient.Exchange srt = api.exchange("HEAD", "/files/captions/talk.srt", "127.0.0.1:" + port, Map.of("Authorization", "Bearer " + TOKEN), null);
        assertEquals(200, srt.status(), srt.head());
        // the page's cookie, as the <track> element sends it
        HttpResponse<String> cookie = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/captions/talk.vtt"))
                .header("Cookie", "lipdrop_token=" + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, cookie.statusCode());

        ApiClient anonymous = new ApiClient(port);
        assertEquals(401, anonymous.raw("/files/captions/talk.vtt").status());
        assertEquals(401, new ApiClient(port).token("wrong").get("/files/captions/talk.vtt").status());
        // only a done job's own caption files, named in its report: not its video, not a stray or stale file
        for (String other : List.of("/files/captions/silent.vtt", "/files/captions/stray.vtt", "/files/captions/talk.mp4",
                "/files/captions/talk.report.json", "/files/captions/nobody.vtt")) {
            assertEquals(404, api.raw(other).status(), other);
        }
        for (String attempt : List.of("/files/captions/../data/secret.vtt", "/files/captions/%2e%2e/data/secret.vtt",
                "/files/captions/%2e%2e%2fdata%2fsecret.vtt", "/files/captions/..%2F..%2Fhome%2Fdata%2Fsecret.vtt",
                "/files/captions/" + home.resolve("data/secret.vtt").toString().replace("/", "%2F"), "/files/captions/talk.vtt%00.vtt",
                "/files/captions/..%5cdata%5csecret.vtt")) {
            ApiClient.Response r = api.raw(attempt);
            assertTrue(r.status() == 400 || r.status() == 404, attempt + " -> " + r.status() + " " + r.body());
            assertFalse(r.body().contains("TOPSECRET"), attempt);
        }
        assertEquals(400, api.raw("/files/captions/%2e%2e%2fdata%2fsecret.vtt").status(), "refused by SafePaths, not merely not found");
    }

    private static JsonObject find(JsonArray items, String subject) {
        return items.stream().map(o -> (JsonObject) o).filter(o -> subject.equals(o.getString("subject"))).findFirst()
                .orElseThrow(() -> new AssertionError("no quarantine report for " + subject + " in " + items.toJson()));
    }

    private static int jobsCommand(Path home, String status, ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        Properties p = new Properties();
        p.setProperty("lipdrop.home", home.toString());
        p.setProperty("lipdrop.api.token", TOKEN);
        return JobsCommand.run(Settings.load(Map.of(), p), status, new PrintStream(out, true), new PrintStream(err, true));
    }

    private void assertNothingLeftInTheInbox() throws Exception {
        try (Stream<Path> s = Files.walk(home.resolve("inbox"))) {
            List<Path> left = s.filter(Files::isRegularFile).toList();
            assertEquals(List.of(), left, "a refused upload leaves nothing behind");
        }
        try (Stream<Path> s = Files.list(home.resolve("inbox"))) {
            assertEquals(List.of(home.resolve("inbox/.uploads")), s.toList(), "no staging folders left");
        }
    }

    private static JsonObject json(String body) throws Exception {
        return (JsonObject) Jsoner.deserialize(body);
    }

    private static void awaitFile(Path p) throws InterruptedException {
        for (int i = 0; i < 300 && !Files.exists(p); i++) Thread.sleep(100);
        assertTrue(Files.exists(p), p + " missing");
    }

}
