package io.lipdrop.web;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.JobsCommand;
import io.lipdrop.Settings;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs page in a real headless Chromium (Debian's chromium and chromium-driver) against a real LipDrop:
 * a job uploaded through the form, its progress moving, the result played in the page, a quarantined drop's
 * reason, names shown as text, a done job's captions in the player. Screenshots (desktop and phone width) are kept in target/screenshots/.
 * The README's picture of the page is {@code target/screenshots/jobs-page.png}, a finished job playing; with
 * {@code -Dlipdrop.docs.screenshot=true} it is also copied to {@code docs/jobs-page.png} (only then: a normal run never
 * changes the working tree).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsPageBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir static Path tmp;
    Path media;
    Path screenshots = Path.of(System.getProperty("lipdrop.app", ".")).resolve("target/screenshots");
    LipDropProcess lipdrop;
    ChromeDriver browser;
    String page;
    int port;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        media = tmp.resolve("media");
        Path photo = Fixtures.copy("face_astronaut.png", media);
        // 14 s of speech makes 352 frames: long enough to see the progress move, a few seconds of work
        TestMedia.videoFromPhoto(photo, media.resolve("anna.mp4"), 320, 240, 2.0, 25);
        Fixtures.copy("speech_zh_16k.wav", media, "pitch.wav");
        Files.writeString(media.resolve("notes.txt"), "not a recording");
        port = FreePorts.next();
        lipdrop = new LipDropProcess(tmp.resolve("home"), "camel.management.port=" + port).start();
        lipdrop.waitForLog("jobs page at http://127.0.0.1:" + port + "/", 30);
        page = "http://127.0.0.1:" + port + "/";

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1280,1500");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(screenshots);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) browser.quit();
        if (lipdrop != null) lipdrop.close();
    }

    @Test
    @Order(1)
    void aBadUploadIsRefusedOnThePageNamingTheFileAndTheReason() {
        browser.get(page);
        waitFor(20, () -> browser.findElement(By.id("connection")).getText().startsWith("Updated"));
        browser.findElement(By.id("audio")).sendKeys(media.resolve("notes.txt").toString());
        browser.findElement(By.id("videos")).sendKeys(media.resolve("anna.mp4").toString());
        browser.findElement(By.id("upload-button")).click();
        WebElement result = browser.findElement(By.id("upload-result"));
        waitFor(30, () -> result.getText().startsWith("Not uploaded"));
        assertTrue(result.getText().contains("notes.txt: .txt files are not supported"), result.getText());
        assertEquals(List.of(), LipDropProcess.filesQuietly(lipdrop.inbox()), "nothing reached the inbox");
    }

    @Test
    @Order(2)
    void anUploadedJobShowsItsProgressAndItsResultPlaysInThePage() throws Exception {
        browser.get(page);
        browser.findElement(By.id("audio")).sendKeys(media.resolve("pitch.wav").toString());
        browser.findElement(By.id("videos")).sendKeys(media.resolve("anna.mp4").toString());
        browser.findElement(By.id("upload-button")).click();
        WebElement result = browser.findElement(By.id("upload-result"));
        waitFor(30, () -> result.getText().contains("is in the inbox"));
        assertTrue(result.getText().startsWith("inbox/anna.wav is in the inbox: 1 job"), result.getText());

        // the running job's frame count, as the page shows it, seen at two different values before it is done
        Set<Integer> seen = new LinkedHashSet<>();
        boolean shot = false, withTimeLeft = false;
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline && browser.findElements(By.cssSelector("#done li[data-id]")).isEmpty()) {
            // read in one script: the item goes away when the job ends, between two WebDriver calls it could be gone
            @SuppressWarnings("unchecked")
            List<List<String>> running = (List<List<String>>) browser.executeScript("return Array.from(document.querySelectorAll("
                    + "'#running li[data-id]')).map(li => [li.dataset.frames || '', li.querySelector('.detail').textContent])");
            for (List<String> item : running) {
                String frames = item.get(0);
                String detail = item.get(1);
                if (frames != null && !frames.isEmpty() && Integer.parseInt(frames) > 0) {
                    seen.add(Integer.parseInt(frames));
                    assertTrue(detail.matches("\\d+ / 352 frames · [0-9.]+ % · ([0-9.]+ frames/s · [0-9]+ (s|min [0-9]+ s) left|measuring the speed…)"),
                            detail);
                    if (detail.endsWith(" left")) withTimeLeft = true;
                    if (!shot && detail.endsWith(" left")) {
                        screenshot("jobs-desktop-running.png");
                        shot = true;
                    }
                }
            }
            Thread.sleep(100);
        }
        assertTrue(seen.size() >= 2, "the progress was seen moving: " + seen);
        assertTrue(withTimeLeft, "frames/s and the time left were shown");

        waitFor(120, () -> !browser.findElements(By.cssSelector("#done li[data-id]")).isEmpty());
        WebElement done = browser.findElement(By.cssSelector("#done li[data-id]"));
        assertTrue(done.findElement(By.className("name")).getText().equals("anna.mp4"));
        assertTrue(done.findElement(By.className("detail")).getText().startsWith("outbox/anna.mp4"));
        assertEquals(page + "files/outbox/anna.report.json", done.findElement(By.className("report-link")).getAttribute("href"));
        done.findElement(By.className("play")).click();

        WebElement video = done.findElement(By.tagName("video"));
        JavascriptExecutor js = browser;
        waitFor(30, () -> ((Number) js.executeScript("return arguments[0].readyState", video)).intValue() >= 2);
        js.executeScript("arguments[0].play()", video);
        double first = ((Number) js.executeScript("return arguments[0].currentTime", video)).doubleValue();
        waitFor(20, () -> ((Number) js.executeScript("return arguments[0].currentTime", video)).doubleValue() > first + 0.5);
        assertNull(js.executeScript("return arguments[0].error && arguments[0].error.message", video), "the video plays without error");
        double duration = ((Number) js.executeScript("return arguments[0].duration", video)).doubleValue();
        assertEquals(14.06, duration, 0.1, "the whole result, as long as the speech");
        // seeking asks the server for a byte range
        js.executeScript("arguments[0].currentTime = 10", video);
        waitFor(20, () -> ((Number) js.executeScript("return arguments[0].currentTime", video)).doubleValue() >= 10);
        screenshot("jobs-desktop-done.png");

        // the README's picture: the page from its top to the finished job's player, paused in the speech; without its
        // captions, which are the English recogniser's guesses at this Mandarin speech
        browser.manage().window().setSize(new Dimension(1280, 2000));
        js.executeScript("arguments[0].pause(); arguments[0].currentTime = 5; window.scrollTo(0, 0);"
                + " for (const t of arguments[0].textTracks) t.mode = 'hidden'", video);
        waitFor(20, () -> ((Number) js.executeScript("return arguments[0].readyState", video)).intValue() >= 2);
        Thread.sleep(300); // the frame sought to is painted a frame later
        screenshot("jobs-page.png");
        browser.manage().window().setSize(new Dimension(1280, 1500));
        if (Boolean.getBoolean("lipdrop.docs.screenshot")) {
            Path docs = Path.of(System.getProperty("lipdrop.app", ".")).resolve("docs");
            Files.createDirectories(docs);
            Files.copy(screenshots.resolve("jobs-page.png"), docs.resolve("jobs-page.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    @Order(3)
    void onLoopbackTheApiAnswersThisMachinesNamesOnlyAndTheCommandLineListsTheJobs() throws Exception {
        ApiClient api = new ApiClient(port);
        assertEquals(200, api.raw("/api/summary", "localhost:" + port).status());
        // a web page whose DNS name was pointed at 127.0.0.1 (DNS rebinding) gets nothing
        ApiClient.Response rebound = api.raw("/api/summary", "evil.example:" + port);
        assertEquals(403, rebound.status());
        assertFalse(rebound.body().contains("nodes"));
        // Java's client asks for HTTP/2 (h2c), where the host travels as :authority
        HttpResponse<String> h2 = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "api/summary")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h2.statusCode(), h2.body());

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Properties p = new Properties();
        p.setProperty("lipdrop.home", lipdrop.home().toString());
        int code = JobsCommand.run(Settings.load(Map.of(), p), "done", new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("anna.mp4 -> outbox/anna.mp4"), out.toString());
    }

    @Test
    @Order(4)
    void aQuarantinedDropShowsItsReasonAndNamesAreShownAsText() throws Exception {
        // dropped into the folder: a name with a newline and one that looks like markup
        Files.copy(media.resolve("notes.txt"), lipdrop.inbox().resolve("new\nline.txt"));
        Files.copy(media.resolve("notes.txt"), lipdrop.inbox().resolve("<img src=x onerror=window.pwned=1>.txt"));
        browser.get(page);
        waitFor(60, () -> browser.findElements(By.cssSelector("#attention li[data-id]")).size() >= 2);
        List<String> items = browser.findElements(By.cssSelector("#attention li[data-id]")).stream().map(WebElement::getText).toList();
        String newline = items.stream().filter(t -> t.startsWith("new\\nline.txt")).findFirst()
                .orElseThrow(() -> new AssertionError("no escaped new\\nline.txt in " + items));
        assertTrue(newline.contains("Reason: .txt files are not supported"), newline);
        assertTrue(newline.contains("What to do: LipDrop takes audio"), newline);
        assertTrue(items.stream().anyMatch(t -> t.startsWith("<img src=x onerror=window.pwned=1>.txt")), items.toString());
        assertTrue(browser.findElements(By.cssSelector("#attention img")).isEmpty(), "a name is never markup");
        assertNull(browser.executeScript("return window.pwned"));
        screenshot("jobs-desktop.png");

        browser.manage().window().setSize(new Dimension(390, 1700));
        browser.get(page);
        waitFor(20, () -> browser.findElements(By.cssSelector("#attention li[data-id]")).size() >= 2);
        waitFor(20, () -> !browser.findElements(By.cssSelector("#done li[data-id]")).isEmpty());
        long overflow = (Long) browser.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0, overflow, "nothing wider than a phone's screen");
        screenshot("jobs-phone.png");
        assertFalse(lipdrop.log().contains("jobs page: GET"), "no request failed on the server");

        // the page's POSTs carry its CSRF header: each is answered on its merits, never refused as another site's
        WebElement text = browser.findElements(By.cssSelector("#attention li[data-id]")).stream()
                .filter(li -> li.getText().startsWith("new\\nline.txt")).findFirst().orElseThrow();
        text.findElement(By.className("retry")).click();
        waitFor(20, () -> text.findElement(By.className("outcome")).getText().contains("cannot be tried again as it is"));
        WebElement done = browser.findElement(By.cssSelector("#done li[data-id]"));
        done.findElement(By.className("redo")).click();
        // the item leaves the done list as soon as the job is queued again: the server's log tells
        lipdrop.waitForLog("jobs page: redo of [0-9a-f]{12}: .*outbox/anna.mp4 will be replaced", 20);
    }

    @Test
    @Order(5)
    void aDoneJobsCaptionsShowInThePlayerAndItsSrtIsOfferedForDownload() throws Exception {
        CaptionedJobs.record(lipdrop.home(), "talk", media.resolve("anna.mp4"), "written", true);
        browser.manage().window().setSize(new Dimension(1280, 1500));
        browser.get(page);
        waitFor(20, () -> doneItem("talk.mp4") != null);
        WebElement talk = doneItem("talk.mp4");
        WebElement srt = talk.findElement(By.className("captions-link"));
        assertTrue(srt.isDisplayed());
        assertEquals(page + "files/captions/talk.srt", srt.getAttribute("href"));
        talk.findElement(By.className("play")).click();

        WebElement video = talk.findElement(By.tagName("video"));
        WebElement track = video.findElement(By.tagName("track"));
        assertEquals(page + "files/captions/talk.vtt", track.getAttribute("src"));
        assertEquals("captions", track.getAttribute("kind"));
        assertEquals("en", track.getAttribute("srclang"));
        assertEquals("English", track.getAttribute("label"));
        JavascriptExecutor js = browser;
        // readyState 2 is LOADED (3 would be ERROR: refused, not found, or not WebVTT)
        waitFor(20, () -> ((Number) js.executeScript("return arguments[0].readyState", track)).intValue() >= 2);
        assertEquals(2L, js.executeScript("return arguments[0].readyState", track));
        assertEquals("showing", js.executeScript("return arguments[0].textTracks[0].mode", video), "a default track is shown at once");
        assertEquals("Welcome to LipDrop & friends", js.executeScript("return arguments[0].textTracks[0].cues[0].text", video));

        // held inside the cue, so that the screenshot shows the caption over the picture
        waitFor(20, () -> ((Number) js.executeScript("return arguments[0].readyState", video)).intValue() >= 2);
        js.executeScript("arguments[0].pause(); arguments[0].currentTime = 1", video);
        waitFor(20, () -> ((Number) js.executeScript("return arguments[0].textTracks[0].activeCues.length", video)).intValue() == 1);
        js.executeScript("arguments[0].scrollIntoView({block: 'center'})", video);
        Thread.sleep(300); // the caption is painted a frame after the cue becomes active
        screenshot("jobs-desktop-captions.png");
    }

    /** The done list's item for this name, or null. */
    private WebElement doneItem(String name) {
        return browser.findElements(By.cssSelector("#done li[data-id]")).stream()
                .filter(li -> li.findElement(By.className("name")).getText().equals(name)).findFirst().orElse(null);
    }

    private void screenshot(String name) throws Exception {
        File f = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private void waitFor(int seconds, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100)).until(d -> condition.getAsBoolean());
    }
}
