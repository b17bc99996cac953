package io.lipdrop.pipeline;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two workers on one node: a batch's videos are made two at a time, each exactly once, and a kill -9 loses nothing. */
class WorkersTest {
    private static final Pattern STARTED_OR_DONE = Pattern.compile("INFO  (processing|done) (batch/v\\d\\.mp4)");

    @TempDir Path tmp;

    @Test
    void twoWorkersMakeABatchTwoAtATimeAndACrashLosesNothing() throws Exception {
        Path stage = tmp.resolve("batch");
        Files.createDirectories(stage);
        Path photo = Fixtures.copy("face_astronaut.png", tmp.resolve("photo"));
        Files.copy(TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("audio")), 4.0), stage.resolve("script.wav"));
        for (int i = 1; i <= 6; i++) TestMedia.videoFromPhoto(photo, stage.resolve("v" + i + ".mp4"), 320 + 16 * i, 240, 2.0, 25);
        Path home = tmp.resolve("home");

        try (LipDropProcess first = new LipDropProcess(home, "lipdrop.jobs.workers=2").start()) {
            Files.move(stage, first.inbox().resolve("batch"));
            first.waitForLog("done batch/v\\d\\.mp4", 2, 180);
            first.waitForLog("batch/v\\d\\.mp4: 25% \\(", 3, 60);
            first.kill9();
            assertTrue(maxInProgress(first.log()) >= 2, "two jobs ran at once:\n" + first.log());
        }
        try (LipDropProcess second = new LipDropProcess(home, "lipdrop.jobs.workers=2").start()) {
            second.waitForLog("batch batch: 6/6 succeeded", 240);
            String log = second.log(); // one file across both runs
            assertTrue(maxInProgress(log) >= 2, "two jobs ran at once after the restart too");
            // jobs starting together share nothing that breaks (OpenCV's TFLite importer once did: "CONV_2D")
            assertEquals(0, second.count("failed \\(attempt|ERROR"), "no job failed:\n" + log);
            for (int i = 1; i <= 6; i++) {
                assertEquals(1, second.count("done batch/v" + i + "\\.mp4 -> "), "v" + i + " made exactly once:\n" + log);
                assertEquals(100, TestMedia.probe(home.resolve("outbox/batch/v" + i + ".mp4")).frames(), "v" + i + " whole");
            }
            List<String> outbox = LipDropProcess.files(home.resolve("outbox")).stream().map(File::getName).sorted().toList();
            // each video with its report and its captions (the recogniser hears the test speech), nothing half-written
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 1; i <= 6; i++) for (String kind : new String[] {".mp4", ".report.json", ".srt", ".vtt"}) expected.add("v" + i + kind);
            assertEquals(expected.stream().sorted().toList(), outbox, "six videos, six reports and their captions, nothing half-written");
            for (int i = 0; i < 50 && Files.exists(home.resolve("inbox/batch")); i++) Thread.sleep(100);
            assertTrue(Files.exists(home.resolve("archive").resolve(LocalDate.now().toString()).resolve("batch/script.wav")));
        }
    }

    /** The most jobs between their "processing" and "done" lines at one moment of the log. */
    private static int maxInProgress(String log) {
        int now = 0, max = 0;
        Matcher m = STARTED_OR_DONE.matcher(log);
        while (m.find()) {
            now += m.group(1).equals("processing") ? 1 : -1;
            max = Math.max(max, now);
        }
        return max;
    }
}
