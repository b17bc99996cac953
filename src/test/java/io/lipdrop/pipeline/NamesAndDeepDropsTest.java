package io.lipdrop.pipeline;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.intake.DeepDrops;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File names are data: a newline or an ANSI escape in a dropped file's name never starts a log line of its own or
 * reaches the terminal raw, and the job is still made under its name. A drop nested deeper than a batch folder is
 * reported once instead of waiting in silence. Both through a real `lipdrop run` and its real log configuration.
 */
class NamesAndDeepDropsTest {
    static final Pattern ENTRY = Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d] (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) .*");
    static final String NEWLINE = "new\nline";
    static final String ANSI = "ansi\u001b[31mred";

    @TempDir Path tmp;

    @Test
    void namesWithControlCharactersAreEscapedAndDeepDropsAreReportedOnce() throws Exception {
        Path media = tmp.resolve("media");
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 1.0);
        Path photo = Fixtures.copy("face_astronaut.png", media);
        Path video = TestMedia.videoFromPhoto(photo, media.resolve("p.mp4"), 320, 240, 1.0, 25);
        int port = FreePorts.next();

        try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), "camel.management.port=" + port,
                "lipdrop.intake.deep-scan-millis=300").start()) {
            Path inbox = lipdrop.inbox();
            LipDropProcess.drop(video, inbox.resolve(NEWLINE + ".mp4"));
            LipDropProcess.drop(speech, inbox.resolve(NEWLINE + ".wav"));
            LipDropProcess.drop(photo, inbox.resolve(ANSI + ".png"));
            LipDropProcess.drop(speech, inbox.resolve(ANSI + ".wav"));
            LipDropProcess.drop(video, inbox.resolve("a/b/c/x.mp4"));
            LipDropProcess.drop(speech, inbox.resolve("a/b/y.wav"));

            lipdrop.waitForLog(Pattern.quote("done new\\nline.mp4 -> outbox/new\\nline.mp4"), 180);
            lipdrop.waitForLog(Pattern.quote("done ansi\\u001b[31mred.png -> outbox/ansi\\u001b[31mred.mp4"), 180);
            lipdrop.waitForLog(Pattern.quote("WARN  inbox/a/b/c/x.mp4 is too deep to be taken"), 30);
            Thread.sleep(1500); // several more scans: still said once
            assertEquals(1, lipdrop.count(Pattern.quote("inbox/a/b/c/x.mp4 is too deep")));
            assertEquals(1, lipdrop.count(Pattern.quote("WARN  inbox/a/b/y.wav is too deep to be taken: LipDrop takes a single job from inbox/ "
                    + "and a batch from inbox/<batch>/; move it into one of them")));
            assertTrue(Files.exists(inbox.resolve("a/b/c/x.mp4")), "left where it is");
            // the jobs page's API lists them too, for the page's "needs attention"
            java.net.http.HttpResponse<String> summary = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/summary")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, summary.statusCode(), summary.body());
            Object deep = ((JsonObject) Jsoner.deserialize(summary.body())).get("tooDeep");
            assertEquals(List.of("a/b/c/x.mp4", "a/b/y.wav"), ((List<?>) deep).stream().map(String::valueOf).sorted().toList());

            // the results exist under the names as given, and their reports hold the names as data
            for (String name : List.of(NEWLINE, ANSI)) {
                assertTrue(Files.exists(lipdrop.outbox().resolve(name + ".mp4")), name);
                String text = Files.readString(lipdrop.outbox().resolve(name + ".report.json"));
                assertFalse(text.contains(name), "no raw control character in the report's text");
                JsonObject report = (JsonObject) Jsoner.deserialize(text);
                assertEquals(name + ".mp4", report.get("output"));
            }

            // every line of the log is an entry of its own: no name split one or started another
            String log = lipdrop.log();
            List<String> lines = log.lines().toList();
            assertTrue(lines.size() > 10, log);
            for (String line : lines) assertTrue(ENTRY.matcher(line).matches(), "a line that is not a log entry: " + line);
            assertFalse(log.contains("\u001b"), "no raw escape reaches the log");
            assertTrue(log.contains("processing new\\nline.mp4 (1/1)"), log);
            assertTrue(log.contains("processing ansi\\u001b[31mred.png (1/1)"), log);
        }
    }

    @Test
    void theCurrentDeepDropsAreListedForThePage() throws Exception {
        Path inbox = Files.createDirectories(tmp.resolve("inbox"));
        DeepDrops deep = new DeepDrops(inbox);
        Files.createDirectories(inbox.resolve("promo"));
        Files.writeString(inbox.resolve("promo/speech.wav"), "a batch's file: not too deep");
        Files.writeString(inbox.resolve("single.wav"), "a single job's file");
        assertEquals(List.of(), deep.scan());
        Files.createDirectories(inbox.resolve("promo/takes/2"));
        Files.writeString(inbox.resolve("promo/takes/2/anna.mp4"), "x");
        Files.writeString(inbox.resolve("promo/takes/bob.mp4"), "x");
        Files.writeString(inbox.resolve("promo/takes/.bob.mp4.part"), "still arriving: not listed");
        assertEquals(List.of("promo/takes/2/anna.mp4", "promo/takes/bob.mp4"), deep.scan());
        assertEquals(List.of("promo/takes/2/anna.mp4", "promo/takes/bob.mp4"), deep.current());
        Files.move(inbox.resolve("promo/takes/bob.mp4"), inbox.resolve("promo/bob.mp4"));
        assertEquals(List.of("promo/takes/2/anna.mp4"), deep.scan(), "moved up: no longer listed");
    }
}
