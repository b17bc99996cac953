package io.lipdrop.pipeline;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 in the middle of a batch: a restart finishes exactly the unfinished jobs, and the outbox never holds a partial file. */
class CrashResumeTest {
    @TempDir Path tmp;

    @Test
    void aRestartAfterKill9FinishesExactlyTheUnfinishedJobs() throws Exception {
        Path stage = tmp.resolve("stage/crash");
        Path photo = Fixtures.copy("face_astronaut.png", tmp.resolve("media"));
        Fixtures.copy("speech_en_16k.wav", stage, "script.wav");
        for (int i = 1; i <= 4; i++) {
            TestMedia.videoFromPhoto(photo, stage.resolve("v" + i + ".mp4"), 320 + 16 * i, 240, 2.0, 25);
        }
        Path home = tmp.resolve("home");
        try (LipDropProcess first = new LipDropProcess(home).start()) {
            Files.move(stage, first.inbox().resolve("crash"));
            first.waitForLog("done crash/v1.mp4", 120);
            first.waitForLog("crash/v2.mp4: 25%", 120);
            first.kill9();
        }
        List<File> afterCrash = LipDropProcess.files(home.resolve("outbox"));
        // the finished job's video, report and captions (the recogniser hears the test speech), nothing of v2
        assertEquals(List.of("v1.mp4", "v1.report.json", "v1.srt", "v1.vtt"), afterCrash.stream().map(File::getName).sorted().toList(),
                "only complete results in the outbox after the crash");

        try (LipDropProcess second = new LipDropProcess(home).start()) {
            second.waitForLog("batch crash: 4/4 succeeded", 240);
            List<String> outputs = LipDropProcess.files(home.resolve("outbox/crash")).stream().map(File::getName).sorted().toList();
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 1; i <= 4; i++) for (String kind : new String[] {".mp4", ".report.json", ".srt", ".vtt"}) expected.add("v" + i + kind);
            assertEquals(expected, outputs);
            for (int i = 1; i <= 4; i++) {
                TestMedia.Probe p = TestMedia.probe(home.resolve("outbox/crash/v" + i + ".mp4"));
                assertEquals(320 + 16 * i, p.width());
                assertEquals(250, p.frames());
                assertEquals(1, second.count("done crash/v" + i + ".mp4"), "v" + i + " made exactly once:\n" + second.log());
            }
            assertEquals(1, second.count("skipped crash/v1.mp4"), "the finished job is recognised, not redone");
            assertTrue(second.log().contains("processing crash/v2.mp4 (2/4)"));
            for (int i = 0; i < 50 && Files.exists(home.resolve("inbox/crash")); i++) Thread.sleep(100);
            assertTrue(Files.exists(home.resolve("archive").resolve(java.time.LocalDate.now().toString()).resolve("crash/script.wav")));
            assertEquals(0, LipDropProcess.files(home.resolve("work")).size(), "the crashed attempt's partial video was cleaned up");
        }
    }

    /** SIGTERM (a stop, a deploy) in the middle of a job: the job finishes and is recorded before the JVM exits. */
    @Test
    void aGracefulStopLetsTheJobInFlightFinishAndBeRecorded() throws Exception {
        Path media = tmp.resolve("media");
        Path video = TestMedia.videoFromPhoto(Fixtures.copy("face_astronaut.png", media), media.resolve("long.mp4"), 960, 540, 4.0, 25);
        Path speech = Fixtures.copy("speech_zh_16k.wav", media);
        Path home = tmp.resolve("home2");
        try (LipDropProcess lipdrop = new LipDropProcess(home).start()) {
            LipDropProcess.drop(speech, lipdrop.inbox().resolve("talk.wav"));
            LipDropProcess.drop(video, lipdrop.inbox().resolve("talk.mp4"));
            lipdrop.waitForLog("talk.mp4: 25%", 120);
            lipdrop.close(); // SIGTERM, then waits for the process to exit
            String log = lipdrop.log();
            assertTrue(log.contains("done talk.mp4 -> outbox/talk.mp4"), "the job in flight finished:\n" + log);
            assertTrue(log.indexOf("done talk.mp4") < log.indexOf("LipDrop stopped"), "and before the stop:\n" + log);
            assertTrue(Files.exists(home.resolve("outbox/talk.report.json")));
            assertEquals(0, LipDropProcess.files(home.resolve("inbox")).size(), "its inputs were archived");
        }
        try (LipDropProcess again = new LipDropProcess(home).start()) {
            LipDropProcess.drop(speech, again.inbox().resolve("talk2.wav"));
            LipDropProcess.drop(video, again.inbox().resolve("talk2.mp4"));
            again.waitForLog("talk2\\.mp4: same content as outbox/talk\\.mp4 \\(job [0-9a-f]{8}\\), delivered as outbox/talk2\\.mp4 "
                    + "without recomputing", 60);
            assertEquals(0, again.count("processing talk2"));
        }
    }
}
