package io.lipdrop.web;

import com.sun.net.httpserver.HttpServer;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Another site's page in a real headless Chromium tries to make LipDrop (on loopback, no token) act: a sandboxed
 * frame (Origin: null) uploads a job, a no-referrer form (Origin: null) puts a quarantined drop back. Then the same
 * rules as raw HTTP: which requests prove they are ours, and which Host names the whole server answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossSiteRequestsTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir static Path tmp;
    LipDropProcess lipdrop;
    int port;
    String lipdropUrl;
    HttpServer attacker;
    String attackerUrl;
    final Map<String, String> attackerPages = new ConcurrentHashMap<>();
    ChromeDriver browser;
    ApiClient api;
    String quarantineId;

    @BeforeAll
    void start() throws Exception {
        port = FreePorts.next();
        lipdrop = new LipDropProcess(tmp.resolve("home"), "camel.management.port=" + port).start();
        lipdrop.waitForLog("jobs page at http://127.0.0.1:" + port + "/", 30);
        lipdropUrl = "http://127.0.0.1:" + port;
        api = new ApiClient(port);

        // a quarantined batch folder, with the report the jobs page lists: what the retry form names
        Path day = Files.createDirectories(lipdrop.archive().resolve("failed").resolve(LocalDate.now().toString()));
        ApiClient.write(day.resolve("held/voice.wav"), "not a recording");
        Files.writeString(day.resolve("held.error.txt"), "LipDrop could not process: held/\nWhen: today\nReason: a test\nWhat to do: nothing\n");
        quarantineId = LocalDate.now() + "/held.error.txt";

        attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        attacker.createContext("/", exchange -> {
            byte[] body = attackerPages.getOrDefault(exchange.getRequestURI().getPath(), "").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        attacker.start();
        attackerUrl = "http://127.0.0.1:" + attacker.getAddress().getPort();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) browser.quit();
        if (attacker != null) attacker.stop(0);
        if (lipdrop != null) lipdrop.close();
    }

    @Test
    void aSandboxedFrameOnAnotherSiteCannotUploadAJob() throws Exception {
        // a real recording, so that the upload would be taken if it got through
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("media")), 0.5);
        String wav = Base64.getEncoder().encodeToString(Files.readAllBytes(speech));
        String frame = "<form id=f method=post enctype=multipart/form-data action='" + lipdropUrl + "/api/uploads'>"
                + "<input type=file name=audio id=a><input type=file name=videos id=v></form><script>"
                + "const put = (input, name, bytes) => { const t = new DataTransfer(); t.items.add(new File([bytes], name)); input.files = t.files; };"
                + "put(document.getElementById('a'), 'cross.wav', Uint8Array.from(atob('" + wav + "'), c => c.charCodeAt(0)));"
                + "put(document.getElementById('v'), 'cross.png', new Uint8Array([137, 80, 78, 71]));"
                + "document.getElementById('f').submit();</script>";
        attackerPages.put("/frame.html", "<!doctype html><title>cats</title><iframe name=x sandbox='allow-forms allow-scripts' srcdoc=\""
                + frame.replace("&", "&amp;").replace("\"", "&quot;") + "\"></iframe>");

        browser.get(attackerUrl + "/frame.html");
        browser.switchTo().frame(0);
        String answer = waitForText(() -> browser.findElement(By.tagName("body")).getText());
        browser.switchTo().defaultContent();
        assertTrue(answer.contains("requests from other sites are refused"), "LipDrop answered the frame: " + answer);
        assertEquals(List.of(), LipDropProcess.filesQuietly(lipdrop.inbox()), "nothing reached the inbox");
        assertFalse(lipdrop.log().contains("jobs page: uploaded"), lipdrop.log());
    }

    @Test
    void aNoReferrerFormOnAnotherSiteCannotRetryAQuarantinedDrop() throws Exception {
        attackerPages.put("/form.html", "<!doctype html><meta name=referrer content=no-referrer><title>cats</title>"
                + "<form id=f method=post action='" + lipdropUrl + "/api/quarantine/retry'><input name=id value='" + quarantineId + "'></form>"
                + "<script>document.getElementById('f').submit()</script>");
        browser.get(attackerUrl + "/form.html");
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith(lipdropUrl));
        String answer = waitForText(() -> browser.findElement(By.tagName("body")).getText());
        assertTrue(answer.contains("requests from other sites are refused"), "LipDrop answered the form: " + answer);
        assertTrue(Files.exists(lipdrop.archive().resolve("failed").resolve(quarantineId)), "the drop is still quarantined");
        assertFalse(Files.exists(lipdrop.inbox().resolve("held")));
        assertFalse(lipdrop.log().contains("back in the inbox"), lipdrop.log());
    }

    @Test
    void aStateChangingRequestNeedsOurOriginAndTheApiTokenOrThePagesCsrfHeader() throws Exception {
        String host = "127.0.0.1:" + port;
        String retry = "{\"id\": \"" + LocalDate.now() + "/nothing-here.error.txt\"}";
        Map<String, String> json = Map.of("Content-Type", "application/json");
        String local = Files.readString(lipdrop.home().resolve("data/api.token")).strip();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lipdrop.home().resolve("data/api.token"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lipdrop.home().resolve("data/jobs.secret"))));

        assertEquals(403, post(host, retry, with(json, "Origin", "null", "Authorization", "Bearer " + local)).status(), "Origin: null");
        for (String origin : List.of("http://127.0.0.1:" + port + ".evil.example", "http://evil.example", "http://127.0.0.1:" + (port + 1),
                "ftp://127.0.0.1:" + port, "http://127.0.0.1:" + port + "/x", "http:// bad", "127.0.0.1:" + port)) {
            ApiClient.Exchange r = post(host, retry, with(json, "Origin", origin, "Authorization", "Bearer " + local));
            assertEquals(403, r.status(), origin + " -> " + r.body());
            assertTrue(r.body().contains("requests from other sites are refused"), origin + " -> " + r.body());
        }
        ApiClient.Exchange bare = post(host, retry, json);
        assertEquals(403, bare.status(), "neither a token nor the page's CSRF header: " + bare.body());
        assertEquals(403, post(host, retry, with(json, "Authorization", "Bearer wrong")).status());
        // the local token proves an API client: the request is then judged on its content (no such report)
        assertEquals(404, post(host, retry, with(json, "Authorization", "Bearer " + local)).status());
        assertEquals(404, post(host, retry, with(json, "Origin", lipdropUrl, "Authorization", "Bearer " + local)).status());
        assertEquals(200, api.exchange("GET", "/api/summary", host, Map.of(), null).status(), "reading on loopback stays open");

        // the page: a session cookie and its CSRF token in the HTML
        ApiClient.Exchange page = api.exchange("GET", "/", host, Map.of(), null);
        Matcher cookie = Pattern.compile("(?im)^set-cookie: lipdrop_session=([A-Za-z0-9_-]{43});(.*)$").matcher(page.head());
        assertTrue(cookie.find(), page.head());
        String attributes = cookie.group(2).toLowerCase();
        assertTrue(attributes.contains("httponly") && attributes.contains("samesite=strict") && attributes.contains("path=/"), attributes);
        Matcher meta = Pattern.compile("<meta name=\"lipdrop-csrf\" content=\"([A-Za-z0-9_-]{43})\">").matcher(page.body());
        assertTrue(meta.find(), page.body());
        String session = "lipdrop_session=" + cookie.group(1), csrf = meta.group(1);
        assertEquals(404, post(host, retry, with(json, "Cookie", session, "X-LipDrop-CSRF", csrf, "Origin", lipdropUrl)).status());
        assertEquals(403, post(host, retry, with(json, "Cookie", session)).status(), "the cookie alone, as another page can send it");
        assertEquals(403, post(host, retry, with(json, "Cookie", session, "X-LipDrop-CSRF", csrf.substring(1) + "A")).status());
        assertEquals(403, post(host, retry, with(json, "X-LipDrop-CSRF", csrf)).status(), "the header without its session");
        // a page served again to the same session carries the same token, and sets no new cookie
        ApiClient.Exchange again = api.exchange("GET", "/", host, Map.of("Cookie", session), null);
        assertFalse(again.head().toLowerCase().contains("set-cookie"), again.head());
        assertTrue(again.body().contains(csrf));
    }

    @Test
    void onLoopbackTheWholeServerAnswersThisMachinesNamesOnly() throws Exception {
        // health says DOWN (503) for a moment after start while a check warms up
        for (int i = 0; i < 300 && api.exchange("GET", "/observe/health", "127.0.0.1:" + port, Map.of(), null).status() != 200; i++) Thread.sleep(100);
        for (String path : List.of("/observe/health?data=true", "/observe/metrics", "/api/summary", "/", "/app.js")) {
            ApiClient.Exchange foreign = api.exchange("GET", path, "evil.example:" + port, Map.of(), null);
            assertEquals(403, foreign.status(), path + " -> " + foreign.body());
            assertFalse(foreign.body().contains(lipdrop.home().toString()), path);
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port)) {
                assertEquals(200, api.exchange("GET", path, host, Map.of(), null).status(), path + " for " + host);
            }
        }
    }

    private ApiClient.Exchange post(String host, String body, Map<String, String> headers) throws Exception {
        return api.exchange("POST", "/api/quarantine/retry", host, headers, body);
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> m = new java.util.LinkedHashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return m;
    }

    private String waitForText(java.util.function.Supplier<String> text) {
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100)).until(d -> {
            try {
                return !text.get().isBlank();
            } catch (RuntimeException e) {
                return false;
            }
        });
        return text.get();
    }
}
