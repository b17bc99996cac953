package io.lipdrop;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import io.lipdrop.testing.VoskModelZips;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Languages through a real `lipdrop run`: a language installed with `model add --language xx` (a copy of English's Vosk
 * model, the only one on Maven, zipped as alphacephei publishes models) captions a drop that says `language: xx`,
 * recognised by vosk-xx, with the mouths on the viseme model (phonemes are English's only); the same content with
 * `language: de`, which has no model, is made again under its own key, without captions, and says why, as the log does
 * once for the language.
 */
class LanguagesEndToEndTest {
    @TempDir Path tmp;

    @Test
    void aDropIsHeardInItsLanguagesModelOrSaysWhyNot() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Path zip = VoskModelZips.englishAs(tmp.resolve("dl/vosk-model-small-xx-0.1.zip"), "vosk-model-small-xx-0.1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ModelCommand.run(Settings.load(Map.of("LIPDROP_HOME", home.toString()), new Properties()),
                new String[] {"model", "add", "--language", "xx", zip.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));

        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("a")), 3.0);
        Path other = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("b")), 2.0);
        Path photo = Fixtures.copy("face_astronaut.png", tmp.resolve("media"));
        try (LipDropProcess lipdrop = new LipDropProcess(home, "camel.management.port=" + FreePorts.next()).start()) {
            Path inbox = lipdrop.inbox(), outbox = lipdrop.outbox();
            assertTrue(lipdrop.log().contains("captions in xx: speech model"), "the installed model was verified at start");

            drop(inbox, "anna", "language: xx\n", photo, speech);
            drop(inbox, "bert", "language: de\n", photo, speech); // the same content in another language
            drop(inbox, "carl", "language: de\n", photo, other);
            lipdrop.waitForLog("done anna.png -> outbox/anna.mp4", 180);
            lipdrop.waitForLog("done bert.png -> outbox/bert.mp4", 180);
            lipdrop.waitForLog("done carl.png -> outbox/carl.mp4", 180);

            String srt = Files.readString(outbox.resolve("anna.srt"));
            assertTrue(srt.startsWith("1\n00:00:0") && srt.toLowerCase().contains("product"), srt);
            assertTrue(Files.isRegularFile(outbox.resolve("anna.vtt")));
            JsonObject anna = report(outbox.resolve("anna.report.json"));
            JsonObject captions = (JsonObject) anna.get("captions");
            assertEquals("xx", captions.get("language"), captions.toJson());
            assertEquals("written", captions.get("status"), captions.toJson());
            assertEquals("vosk-xx", captions.get("recogniser"), captions.toJson());
            assertFalse(captions.containsKey("phonemeModel"), "phonemes are placed for English only");
            JsonObject method = (JsonObject) anna.get("method");
            assertEquals(List.of("visemes:headaudio"), List.copyOf(((Map<?, ?>) method.get("targetShares")).keySet()), method.toJson());

            for (String name : List.of("bert", "carl")) {
                assertFalse(Files.exists(outbox.resolve(name + ".srt")) || Files.exists(outbox.resolve(name + ".vtt")), name);
                JsonObject none = (JsonObject) report(outbox.resolve(name + ".report.json")).get("captions");
                assertEquals("de", none.get("language"), none.toJson());
                assertEquals("no speech model for language de: install one with bin/lipdrop model add --language de "
                        + "<vosk-model folder or zip>", none.get("status"));
            }
            JsonObject bert = report(outbox.resolve("bert.report.json"));
            assertNotEquals(anna.get("key"), bert.get("key"), "drops that differ only in their language differ in their key");
            assertEquals(1, lipdrop.count("WARN.*no speech model for language de"), "said once per language:\n" + lipdrop.log());
        }
    }

    private static void drop(Path inbox, String name, String settings, Path photo, Path speech) throws Exception {
        Files.writeString(inbox.resolve(name + ".lipdrop.yaml"), settings);
        LipDropProcess.drop(photo, inbox.resolve(name + ".png"));
        LipDropProcess.drop(speech, inbox.resolve(name + ".wav"));
    }

    private static JsonObject report(Path file) throws Exception {
        return (JsonObject) Jsoner.deserialize(Files.readString(file));
    }
}
