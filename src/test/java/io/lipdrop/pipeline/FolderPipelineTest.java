package io.lipdrop.pipeline;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The folder contract end to end, on a real `lipdrop run` with real media. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FolderPipelineTest {
    @TempDir static Path tmp;
    Path media;
    LipDropProcess lipdrop;
    String today = LocalDate.now().toString();

    @BeforeAll
    void start() throws Exception {
        media = tmp.resolve("media");
        Path photo = Fixtures.copy("face_astronaut.png", media);
        TestMedia.videoFromPhoto(photo, media.resolve("presenter.mp4"), 320, 240, 3.0, 25);
        TestMedia.videoFromPhoto(photo, media.resolve("wide.mp4"), 426, 240, 2.0, 30);
        Fixtures.copy("speech_en_16k.wav", media);
        Fixtures.copy("speech_zh_16k.wav", media);
        lipdrop = new LipDropProcess(tmp.resolve("home")).start();
    }

    @AfterAll
    void stop() throws Exception { lipdrop.close(); }

    @Test
    @Order(1)
    void aSingleJobWithANonAsciiNameBecomesAVideoAsLongAsTheAudio() throws Exception {
        LipDropProcess.drop(media.resolve("speech_en_16k.wav"), lipdrop.inbox().resolve("产品介绍 v1.wav"));
        LipDropProcess.drop(media.resolve("presenter.mp4"), lipdrop.inbox().resolve("产品介绍 v1.mp4"));
        lipdrop.waitForLog("done 产品介绍 v1.mp4", 120);

        Path out = lipdrop.outbox().resolve("产品介绍 v1.mp4");
        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals("h264", p.videoCodec());
        assertEquals("aac", p.audioCodec());
        assertEquals(320, p.width());
        assertEquals(240, p.height());
        assertEquals(9.987, p.audioSeconds(), 0.03);
        assertTrue(Math.abs(p.videoSeconds() - p.audioSeconds()) <= 1 / 25.0 + 1e-3, p.toString());

        JsonObject report = (JsonObject) Jsoner.deserialize(Files.readString(lipdrop.outbox().resolve("产品介绍 v1.report.json")));
        assertEquals("done", report.getString("status"));
        assertEquals("cpu", report.getString("provider"));
        assertEquals(250, report.getInteger("frames"));
        assertTrue(report.getInteger("framesWithFace") > 200);
        assertEquals(64, ((JsonObject) ((JsonObject) report.get("inputs")).get("template")).getString("sha256").length());
        assertTrue(((JsonObject) report.get("secondsByStage")).containsKey("inference"));

        lipdrop.waitForLog("", 1, 1);
        awaitFile(lipdrop.archive().resolve(today).resolve("产品介绍 v1.wav"));
        assertTrue(Files.exists(lipdrop.archive().resolve(today).resolve("产品介绍 v1.mp4")));
        assertEquals(0, LipDropProcess.files(lipdrop.inbox()).size());
        // one log with timestamps, progress and result lines
        for (String line : lipdrop.log().split("\n")) {
            assertTrue(line.matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d] [A-Z]+ .*"), "log line: " + line);
        }
        assertTrue(lipdrop.log().contains("processing 产品介绍 v1.mp4 (1/1)"));
        assertTrue(lipdrop.log().matches("(?s).*done 产品介绍 v1.mp4 -> outbox/产品介绍 v1.mp4: 250 frames in [0-9.]+ s \\([0-9.]+ frames/s.*"));
    }

    @Test
    @Order(2)
    void aBatchFolderMakesOneVideoPerPresenterIncludingAPhoto() throws Exception {
        Path stage = tmp.resolve("stage/promo");
        Files.createDirectories(stage);
        Files.copy(media.resolve("speech_zh_16k.wav"), stage.resolve("script.wav"));
        Files.copy(media.resolve("presenter.mp4"), stage.resolve("anna.mp4"));
        Files.copy(media.resolve("wide.mp4"), stage.resolve("bob.mp4"));
        Files.copy(media.resolve("face_astronaut.png"), stage.resolve("carol.png"));
        Files.move(stage, lipdrop.inbox().resolve("promo"));
        lipdrop.waitForLog("batch promo: 3/3 succeeded", 240);

        for (String name : new String[] {"anna", "bob", "carol"}) {
            Path out = lipdrop.outbox().resolve("promo").resolve(name + ".mp4");
            TestMedia.Probe p = TestMedia.probe(out);
            assertEquals(14.06, p.audioSeconds(), 0.03, name);
            assertTrue(Files.exists(lipdrop.outbox().resolve("promo").resolve(name + ".report.json")));
        }
        assertEquals(426, TestMedia.probe(lipdrop.outbox().resolve("promo/bob.mp4")).width());
        assertEquals(30.0, TestMedia.probe(lipdrop.outbox().resolve("promo/bob.mp4")).fps(), 0.01);
        assertEquals(512, TestMedia.probe(lipdrop.outbox().resolve("promo/carol.mp4")).width());
        assertTrue(lipdrop.log().contains("processing promo/bob.mp4 (2/3)"));
        awaitFile(lipdrop.archive().resolve(today).resolve("promo/script.wav"));
        assertFalse(Files.exists(lipdrop.inbox().resolve("promo")));
    }

    @Test
    @Order(3)
    void theSameContentDroppedAgainUnderAnotherNameIsDeliveredUnderThatNameWithoutRecomputing() throws Exception {
        long before = lipdrop.count("done ");
        LipDropProcess.drop(media.resolve("speech_en_16k.wav"), lipdrop.inbox().resolve("again.wav"));
        LipDropProcess.drop(media.resolve("presenter.mp4"), lipdrop.inbox().resolve("again.mp4"));
        lipdrop.waitForLog("again\\.mp4: same content as outbox/产品介绍 v1\\.mp4 \\(job [0-9a-f]{8}\\), delivered as outbox/again\\.mp4 "
                + "without recomputing$", 60);
        awaitFile(lipdrop.archive().resolve(today).resolve("again.wav"));
        assertTrue(Files.exists(lipdrop.archive().resolve(today).resolve("again.mp4")));

        Path original = lipdrop.outbox().resolve("产品介绍 v1.mp4");
        Path mine = lipdrop.outbox().resolve("again.mp4");
        assertEquals(Files.getAttribute(original, "unix:ino"), Files.getAttribute(mine, "unix:ino"), "a hard link to the result, not a copy");
        JsonObject first = report(lipdrop.outbox().resolve("产品介绍 v1.report.json"));
        JsonObject report = report(lipdrop.outbox().resolve("again.report.json"));
        assertEquals(first.getString("key"), report.getString("reused"));
        assertEquals("again.mp4", report.getString("job"));
        assertEquals("again.mp4", report.getString("output"));
        assertEquals(first.getInteger("frames"), report.getInteger("frames"));
        assertEquals("again.mp4", ((JsonObject) ((JsonObject) report.get("inputs")).get("template")).getString("file"));
        assertEquals(0, lipdrop.count("processing again"), "not made again");
        assertEquals(before, lipdrop.count("done "));
    }

    /**
     * A batch with a video made earlier in another batch (same audio), and the same new video twice: the first is
     * delivered at once, one twin is made and the other gets its result; the batch is complete in the outbox.
     */
    @Test
    @Order(4)
    void aBatchGetsEveryOutputWhenSomeOfItsContentIsAlreadyDoneOrTwiceInIt() throws Exception {
        Path dan = TestMedia.videoFromPhoto(media.resolve("face_astronaut.png"), media.resolve("dan.mp4"), 288, 240, 1.0, 25);
        Path stage = tmp.resolve("stage/promo2");
        Files.createDirectories(stage);
        Files.copy(media.resolve("speech_zh_16k.wav"), stage.resolve("voice.wav"));
        Files.copy(media.resolve("presenter.mp4"), stage.resolve("anna.mp4"));
        Files.copy(dan, stage.resolve("dan.mp4"));
        Files.copy(dan, stage.resolve("dan twin.mp4"));
        Files.move(stage, lipdrop.inbox().resolve("promo2"));
        lipdrop.waitForLog("batch promo2: 3/3 succeeded", 240);

        Path out = lipdrop.outbox().resolve("promo2");
        assertTrue(Files.isSameFile(lipdrop.outbox().resolve("promo/anna.mp4"), out.resolve("anna.mp4")));
        assertEquals(report(lipdrop.outbox().resolve("promo/anna.report.json")).getString("key"),
                report(out.resolve("anna.report.json")).getString("reused"));
        assertEquals("promo2", report(out.resolve("anna.report.json")).getString("batch"));
        assertEquals(1, lipdrop.count("promo2/anna\\.mp4: same content as outbox/promo/anna\\.mp4 \\(job [0-9a-f]{8}\\), "
                + "delivered as outbox/promo2/anna\\.mp4 without recomputing$"));
        assertEquals(0, lipdrop.count("processing promo2/anna"));

        assertEquals(1, lipdrop.count("processing promo2/dan"), "one of the twins is made:\n" + lipdrop.log());
        assertTrue(Files.isSameFile(out.resolve("dan.mp4"), out.resolve("dan twin.mp4")));
        long reused = 0;
        for (String twin : new String[] {"dan", "dan twin"}) {
            assertEquals(14.06, TestMedia.probe(out.resolve(twin + ".mp4")).audioSeconds(), 0.03, twin);
            if (report(out.resolve(twin + ".report.json")).containsKey("reused")) reused++;
        }
        assertEquals(1, reused, "the other twin's report says it is reused");
        awaitFile(lipdrop.archive().resolve(today).resolve("promo2/voice.wav"));
        assertFalse(Files.exists(lipdrop.inbox().resolve("promo2")));
    }

    private static JsonObject report(Path p) throws Exception {
        return (JsonObject) Jsoner.deserialize(Files.readString(p));
    }

    static void awaitFile(Path f) throws InterruptedException {
        for (int i = 0; i < 100 && !Files.exists(f); i++) Thread.sleep(100);
        assertTrue(Files.exists(f), "missing " + f);
    }

    @SuppressWarnings("unused")
    private static String list(Path dir) throws Exception { return Arrays.toString(LipDropProcess.files(dir).toArray()); }
}
