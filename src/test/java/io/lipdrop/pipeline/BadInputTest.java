package io.lipdrop.pipeline;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input is quarantined with a readable report, and a good job in the same drop succeeds. */
class BadInputTest {
    @TempDir Path tmp;

    @Test
    void badInputIsQuarantinedWithItsReasonAndNeverStopsTheGoodJob() throws Exception {
        Path media = tmp.resolve("media");
        Path photo = Fixtures.copy("face_astronaut.png", media);
        Path speech = Fixtures.copy("speech_en_16k.wav", media);
        Path good = TestMedia.videoFromPhoto(photo, media.resolve("good.mp4"), 320, 240, 2.0, 25);
        Path noFace = TestMedia.videoFromPhoto(Fixtures.copy("noface_coffee.png", media), media.resolve("coffee.mp4"), 320, 240, 1.0, 25);
        Path street = TestMedia.street(media.resolve("street.mp4"), 320, 240, 25);
        byte[] goodBytes = Files.readAllBytes(good);
        Path truncated = Files.write(media.resolve("truncated.mp4"), Arrays.copyOf(goodBytes, goodBytes.length / 2));
        Path text = Files.writeString(media.resolve("text.mp4"), "this is a text file, not a video\n");
        Path empty = Files.write(media.resolve("empty.wav"), new byte[0]);

        try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home")).start()) {
            Path in = lipdrop.inbox();
            LipDropProcess.drop(empty, in.resolve("zero.wav"));
            LipDropProcess.drop(good, in.resolve("zero.mp4"));
            LipDropProcess.drop(speech, in.resolve("cut.wav"));
            LipDropProcess.drop(truncated, in.resolve("cut.mp4"));
            LipDropProcess.drop(speech, in.resolve("renamed.wav"));
            LipDropProcess.drop(text, in.resolve("renamed.mp4"));
            LipDropProcess.drop(good, in.resolve("mute.wav")); // a video without sound, posing as the audio
            LipDropProcess.drop(good, in.resolve("mute.mp4"));
            LipDropProcess.drop(speech, in.resolve("coffee.wav"));
            LipDropProcess.drop(noFace, in.resolve("coffee.mp4"));
            LipDropProcess.drop(speech, in.resolve("street.wav"));
            LipDropProcess.drop(street, in.resolve("street.mp4"));
            LipDropProcess.drop(speech, in.resolve("two/a.wav"));
            LipDropProcess.drop(speech, in.resolve("two/b.wav"));
            LipDropProcess.drop(good, in.resolve("two/v.mp4"));
            LipDropProcess.drop(speech, in.resolve("novideo/script.wav"));
            LipDropProcess.drop(text, in.resolve("notes.docx"));
            LipDropProcess.drop(speech, in.resolve("fine.wav"));
            LipDropProcess.drop(good, in.resolve("fine.mp4"));

            lipdrop.waitForLog("done fine.mp4", 120);
            lipdrop.waitForLog("ERROR bad input", 9, 120);
            // FFmpeg's own message for the truncated file, one line, without FFmpeg's newline shown as a literal \n
            assertTrue(lipdrop.count("ERROR .*moov atom not found$") >= 1, lipdrop.log());
            assertEquals(0, lipdrop.count("\\\\n$"), lipdrop.log());

            Path failed = lipdrop.archive().resolve("failed").resolve(LocalDate.now().toString());
            assertReport(failed.resolve("zero.wav.error.txt"), "zero.wav", "is empty (0 bytes)");
            assertReport(failed.resolve("cut.mp4.error.txt"), "cut.mp4", "damaged, truncated");
            assertReport(failed.resolve("renamed.mp4.error.txt"), "renamed.mp4", "damaged, truncated");
            assertReport(failed.resolve("mute.wav.error.txt"), "mute.wav", "no audio stream");
            assertReport(failed.resolve("coffee.mp4.error.txt"), "coffee.mp4", "no face was found");
            assertReport(failed.resolve("street.mp4.error.txt"), "street.mp4", "no face was found in any of its 25 frames");
            assertReport(failed.resolve("two.error.txt"), "two/", "2 audio files (a.wav, b.wav)");
            assertReport(failed.resolve("novideo.error.txt"), "novideo/", "no video or photo");
            assertReport(failed.resolve("notes.docx.error.txt"), "notes.docx", ".docx files are not supported");
            // the inputs are kept, byte for byte, next to their reports
            for (String kept : new String[] {"zero.wav", "zero.mp4", "cut.wav", "cut.mp4", "renamed.mp4", "mute.wav",
                    "coffee.mp4", "street.mp4", "two/a.wav", "two/b.wav", "two/v.mp4", "novideo/script.wav", "notes.docx"}) {
                assertTrue(Files.exists(failed.resolve(kept)), "kept " + kept);
            }
            assertEquals(Files.size(truncated), Files.size(failed.resolve("cut.mp4")));

            TestMedia.Probe fine = TestMedia.probe(lipdrop.outbox().resolve("fine.mp4"));
            assertEquals("h264", fine.videoCodec());
            assertEquals(1, LipDropProcess.files(lipdrop.outbox()).stream().filter(f -> f.getName().endsWith(".mp4")).count());
            for (int i = 0; i < 50 && !LipDropProcess.files(lipdrop.inbox()).isEmpty(); i++) Thread.sleep(100);
            assertEquals(0, LipDropProcess.files(lipdrop.inbox()).size(), "inbox emptied");
            assertEquals(0, LipDropProcess.files(lipdrop.home().resolve("work")).size(), "no partial files left");
            assertTrue(lipdrop.log().contains("ERROR bad input coffee.mp4: no face was found"), lipdrop.log());
            // the service found its face models (the build fetched them) and made the good job with them
            assertTrue(lipdrop.log().contains("with a face by blazeface+mesh"), lipdrop.log());
        }
    }

    static void assertReport(Path report, String names, String reason) throws Exception {
        assertTrue(Files.exists(report), "missing " + report);
        String text = Files.readString(report);
        assertTrue(text.contains(names), report + " names the file:\n" + text);
        assertTrue(text.contains(reason), report + " says why:\n" + text);
        assertTrue(text.contains("What to do: "), text);
    }
}
