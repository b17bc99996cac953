package io.lipdrop.web;

import io.lipdrop.delivery.DownloadLinks;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.job.JobProgress;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.S3ProxyServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs page and API in bucket mode, with real parts: an s3proxy server as the bucket, an H2 job store whose delivery
 * ledger says what is in the bucket, the page's routes on a real HTTP server. This node's outbox is empty: the results
 * were made (and uploaded) by another node, so they are linked and served from the bucket by presigned URLs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BucketDownloadsTest {
    private static final String TOKEN = "bucket-token-7d21c9a04e5b8f";
    private static final String BUCKET = "lipdrop";
    private static final String VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nhello\n";

    @TempDir static Path tmp;
    S3ProxyServer s3proxy;
    S3Client admin;
    H2JobStore store;
    Vertx vertx;
    final List<DownloadLinks> links = new ArrayList<>();
    byte[] anna;
    byte[] bob;
    String annaKey;
    int port;

    @BeforeAll
    void start() throws Exception {
        s3proxy = new S3ProxyServer(tmp.resolve("s3")).start();
        admin = S3ClientFactory.create(settings());
        admin.createBucket(b -> b.bucket(BUCKET));
        anna = random(300_000, 1);
        bob = random(20_000, 2);
        // made on another node and uploaded under the default prefix (outbox) and, for bob, a job's own prefix
        put("outbox/promo/anna.mp4", anna);
        put("outbox/promo/anna.report.json", ("{\"frames\": 50, \"captions\": {\"status\": \"written\", \"language\": \"en\", "
                + "\"files\": [\"anna.srt\", \"anna.vtt\"]}}\n").getBytes(StandardCharsets.UTF_8));
        put("outbox/promo/anna.vtt", VTT.getBytes(StandardCharsets.UTF_8));
        put("outbox/promo/anna.srt", "1\n00:00:00,000 --> 00:00:01,000\nhello\n".getBytes(StandardCharsets.UTF_8));
        put("clients/acme/bob.mp4", bob);
        put("outbox/carol.mp4", random(1000, 3)); // in the bucket, but the ledger does not say so yet

        store = new H2JobStore(tmp.resolve("home/data"), false, "this-node", Duration.ofSeconds(60));
        annaKey = key('a');
        List<String> annaFiles = List.of("promo/anna.mp4", "promo/anna.report.json", "promo/anna.vtt", "promo/anna.srt");
        assertTrue(store.markDone(annaKey, "promo/anna.mp4", annaFiles, null, null));
        annaFiles.forEach(f -> store.markDelivered(f, "etag"));
        assertTrue(store.markDone(key('b'), "bob.mp4", List.of("bob.mp4"), "clients/acme", null));
        store.markDelivered("bob.mp4", "etag");
        assertTrue(store.markDone(key('c'), "carol.mp4", List.of("carol.mp4"), null, null));

        vertx = Vertx.vertx();
        port = startWeb(300);
    }

    @AfterAll
    void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        links.forEach(DownloadLinks::close);
        if (store != null) store.close();
        if (admin != null) admin.close();
        if (s3proxy != null) s3proxy.close();
    }

    @Test
    void doneJobsAreLinkedWhenTheLedgerHasThemDeliveredNotByTheLocalOutbox() throws Exception {
        ApiClient.Response r = new ApiClient(port).token(TOKEN).get("/api/jobs");
        assertEquals(200, r.status(), r.body());
        Map<String, JsonObject> jobs = new java.util.HashMap<>();
        for (Object o : (JsonArray) ((JsonObject) Jsoner.deserialize(r.body())).get("jobs")) jobs.put((String) ((JsonObject) o).get("output"), (JsonObject) o);
        JsonObject a = jobs.get("promo/anna.mp4");
        assertEquals("/files/outbox/promo/anna.mp4", a.get("video"));
        assertEquals("/files/outbox/promo/anna.report.json", a.get("report"));
        JsonObject captions = (JsonObject) a.get("captions");
        assertNotNull(captions, "the captions, named by the report read from the bucket: " + a);
        assertEquals("/files/captions/promo/anna.vtt", captions.get("vtt"));
        assertEquals("/files/captions/promo/anna.srt", captions.get("srt"));
        assertEquals("/files/outbox/bob.mp4", jobs.get("bob.mp4").get("video"));
        assertNull(jobs.get("carol.mp4").get("video"), "not delivered yet: no link");

        ApiClient.Response one = new ApiClient(port).token(TOKEN).get("/api/jobs/" + annaKey);
        assertEquals(200, one.status(), one.body());
        JsonObject report = (JsonObject) ((JsonObject) Jsoner.deserialize(one.body())).get("reportJson");
        assertNotNull(report, "the report from the bucket: " + one.body());
        assertEquals("written", ((JsonObject) report.get("captions")).get("status"));
    }

    @Test
    void aDeliveredResultIsARedirectToAPresignedUrlThatGivesTheObjectsBytes() throws Exception {
        HttpResponse<Void> redirect = get("/files/outbox/promo/anna.mp4", "Authorization", "Bearer " + TOKEN);
        assertEquals(307, redirect.statusCode());
        assertEquals("no-store", redirect.headers().firstValue("Cache-Control").orElse(null));
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertTrue(location.toString().startsWith(s3proxy.endpoint() + "/" + BUCKET + "/outbox/promo/anna.mp4?"), location.toString());
        assertTrue(location.getRawQuery().contains("X-Amz-Expires=300"), location.toString());

        // the bucket answers the URL alone: no token, no credentials
        HttpResponse<byte[]> object = http().send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, object.statusCode(), new String(object.body(), StandardCharsets.UTF_8));
        assertArrayEquals(anna, object.body());
        // a player seeks with Range requests, which go to the bucket too
        HttpResponse<byte[]> part = http().send(HttpRequest.newBuilder(location).header("Range", "bytes=1000-1999").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(anna, 1000, 2000), part.body());

        // following redirects as a browser does, with the page's cookie in place of the header
        HttpResponse<byte[]> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/outbox/bob.mp4"))
                        .header("Cookie", "lipdrop_token=" + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, followed.statusCode());
        assertArrayEquals(bob, followed.body(), "bob.mp4 is under the prefix its job's settings gave it (clients/acme)");

        // HEAD gets a URL signed for HEAD (S3 signs the method)
        HttpResponse<Void> head = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/outbox/promo/anna.mp4"))
                .header("Authorization", "Bearer " + TOKEN).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(307, head.statusCode());
        HttpResponse<Void> headThere = http().send(HttpRequest.newBuilder(URI.create(head.headers().firstValue("Location").orElseThrow()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, headThere.statusCode());
        assertEquals(String.valueOf(anna.length), headThere.headers().firstValue("Content-Length").orElse(null));

        // the report and the captions by their /files/outbox links too
        assertEquals(307, get("/files/outbox/promo/anna.report.json", "Authorization", "Bearer " + TOKEN).statusCode());
        assertEquals(307, get("/files/outbox/promo/anna.srt", "Authorization", "Bearer " + TOKEN).statusCode());
        // the page's <track> loads from its own origin only: captions are read from the bucket and served here
        ApiClient.Response vtt = new ApiClient(port).token(TOKEN).get("/files/captions/promo/anna.vtt");
        assertEquals(200, vtt.status(), vtt.body());
        assertEquals(VTT, vtt.body());
    }

    @Test
    void whatIsNotADeliveredResultIsNotFoundAndNoPathLeavesTheOutbox() throws Exception {
        ApiClient api = new ApiClient(port).token(TOKEN);
        ApiClient.Response carol = api.raw("/files/outbox/carol.mp4");
        assertEquals(404, carol.status(), "done, in the bucket, but not delivered by the ledger");
        assertTrue(carol.body().contains("not uploaded yet"), carol.body());
        assertEquals(404, api.raw("/files/outbox/promo/nobody.mp4").status());
        assertEquals(404, api.raw("/files/outbox/promo/anna.txt").status(), "not a result's name");
        assertEquals(404, api.raw("/files/captions/carol.vtt").status());
        for (String attempt : List.of("/files/outbox/../data/jobs.secret", "/files/outbox/%2e%2e/data/jobs.secret", "/files/outbox/%2e%2e%2fdata%2fjobs.secret",
                "/files/outbox/promo%2f..%2f..%2fpromo/anna.mp4", "/files/outbox/promo/anna.mp4%00.mp4", "/files/outbox/%2Fpromo/anna.mp4",
                "/files/outbox/..%5cpromo/anna.mp4", "/files/outbox/promo/.anna.mp4")) {
            ApiClient.Response r = api.raw(attempt);
            assertTrue(r.status() == 400 || r.status() == 404, attempt + " -> " + r.status() + " " + r.body());
            assertFalse(r.body().contains("X-Amz"), attempt);
        }
    }

    @Test
    void aResultIsLinkedAndServedAsSoonAsTheLedgerHasItInTheBucket() throws Exception {
        byte[] dave = random(5000, 4);
        put("outbox/dave.mp4", dave);
        assertTrue(store.markDone(key('d'), "dave.mp4", List.of("dave.mp4"), null, null));
        ApiClient api = new ApiClient(port).token(TOKEN);
        assertNull(job(api, "dave.mp4").get("video"));
        assertEquals(404, api.raw("/files/outbox/dave.mp4").status());
        store.markDelivered("dave.mp4", "etag"); // the uploading node confirms it
        assertEquals("/files/outbox/dave.mp4", job(api, "dave.mp4").get("video"), "a file not delivered yet is not remembered as such");
        HttpResponse<byte[]> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/outbox/dave.mp4"))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, followed.statusCode());
        assertArrayEquals(dave, followed.body());
    }

    private static JsonObject job(ApiClient api, String output) throws Exception {
        ApiClient.Response r = api.get("/api/jobs");
        assertEquals(200, r.status(), r.body());
        for (Object o : (JsonArray) ((JsonObject) Jsoner.deserialize(r.body())).get("jobs")) {
            if (output.equals(((JsonObject) o).get("output"))) return (JsonObject) o;
        }
        throw new AssertionError(output + " is not listed: " + r.body());
    }

    @Test
    void withoutTheTokenNothingIsLinkedOrRedirected() throws Exception {
        HttpResponse<Void> anonymous = get("/files/outbox/promo/anna.mp4");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("Location").isEmpty());
        assertEquals(401, get("/files/outbox/promo/anna.mp4", "Authorization", "Bearer wrong").statusCode());
        assertEquals(401, get("/files/outbox/promo/anna.mp4", "Cookie", "lipdrop_token=" + TOKEN + "x").statusCode());
        assertEquals(401, get("/files/captions/promo/anna.vtt").statusCode());
        assertEquals(401, new ApiClient(port).get("/api/jobs").status());
    }

    @Test
    void thePagesPolicyLetsThePlayerFollowTheRedirectToTheBucket() throws Exception {
        HttpResponse<Void> page = get("/");
        assertEquals(200, page.statusCode());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("media-src 'self' " + s3proxy.endpoint() + ";"), csp);
        assertTrue(csp.contains("connect-src 'self';"), csp);
    }

    @Test
    void aPresignedUrlIsRefusedByTheBucketOnceItsLifetimeIsOver() throws Exception {
        int shortLived = startWeb(1);
        HttpResponse<Void> redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + shortLived + "/files/outbox/promo/anna.mp4")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(307, redirect.statusCode());
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertTrue(location.getRawQuery().contains("X-Amz-Expires=1&") || location.getRawQuery().endsWith("X-Amz-Expires=1"), location.toString());
        Thread.sleep(3000);
        HttpResponse<String> expired = http().send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, expired.statusCode(), expired.body());
        // s3proxy checks X-Amz-Date + X-Amz-Expires of a SigV4 URL: refused for its age, not for its signature
        assertTrue(expired.body().contains("Request has expired"), expired.body());
    }

    /** The page's routes in bucket mode, as WebConfiguration makes them, on a server of their own. */
    private int startWeb(int presignSeconds) throws Exception {
        int p = FreePorts.next();
        DownloadLinks l = new DownloadLinks(settings(), presignSeconds);
        links.add(l);
        Path home = tmp.resolve("home");
        WebSettings web = new WebSettings(true, "127.0.0.1", p, TOKEN, 1024 * 1024);
        WebConfiguration config = new WebConfiguration(web, store, new JobProgress(), home.resolve("inbox"), home.resolve("outbox"),
                home.resolve("archive"), home.resolve("data"), 60, List::of, l, "inbox", "archive");
        Router router = Router.router(vertx);
        config.routes().mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        server.listen(p, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return p;
    }

    private S3Settings settings() {
        return new S3Settings(BUCKET, "outbox", "us-east-1", s3proxy.endpoint(), true, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY,
                S3Settings.MIN_PART_SIZE, 200, 1000, 10);
    }

    private HttpResponse<Void> get(String path, String... header) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        for (int i = 0; i < header.length; i += 2) b.header(header[i], header[i + 1]);
        return http().send(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // redirects are not followed
    }

    private void put(String key, byte[] body) {
        admin.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String key(char c) {
        return String.valueOf(c).repeat(64);
    }
}
