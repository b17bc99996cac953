package io.lipdrop.pipeline;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Speech longer than lipdrop.jobs.max-audio-minutes is refused at once, with the file, the reason and what to do,
 * in one attempt: not three out-of-memory errors and a report that names an exchange instead of the reason.
 */
class LongAudioTest {
    @TempDir Path tmp;

    @Test
    void speechLongerThanTheMaximumIsRefusedAtOnceWithTheReason() throws Exception {
        Path media = tmp.resolve("media");
        float[] speech = new AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", media));
        Path longSpeech = TestMedia.wav(media.resolve("long.wav"), speech, (int) Math.ceil(70 * 16000.0 / speech.length)); // > 1 min
        try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), "lipdrop.jobs.max-audio-minutes=1").start()) {
            Fixtures.copy("face_astronaut.png", lipdrop.inbox(), "talk.png");
            LipDropProcess.drop(longSpeech, lipdrop.inbox().resolve("talk.wav"));
            lipdrop.waitForLog("ERROR bad input", 120);
            Path failed = lipdrop.archive().resolve("failed").resolve(LocalDate.now().toString());
            assertTrue(Files.exists(failed.resolve("talk.wav")) && Files.exists(failed.resolve("talk.png")), "the drop is kept");
            String text;
            try (var reports = Files.list(failed)) {
                text = Files.readString(reports.filter(p -> p.toString().endsWith(".error.txt")).findFirst().orElseThrow());
            }
            assertTrue(text.contains("talk.wav") && text.contains("one job takes at most 1 min (lipdrop.jobs.max-audio-minutes)"), text);
            assertTrue(text.contains("Split the speech"), text);
            assertTrue(text.contains("Attempts: 1"), "refused at once, not retried: " + text);
            assertFalse(text.contains("Exchange[") || text.contains("CamelExecutionException"), text);
            assertEquals(0, lipdrop.count("OutOfMemoryError|failed \\(attempt"), lipdrop.log());
        }
    }
}
