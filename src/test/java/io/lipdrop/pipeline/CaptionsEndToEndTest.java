package io.lipdrop.pipeline;

import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.S3ProxyServer;
import io.lipdrop.testing.TestMedia;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captions through a real `lipdrop run` (real Vosk and its model, real FFmpeg) and a real S3 server (s3proxy): a drop
 * of English speech gets outbox/anna.srt and anna.vtt beside its video, named in its report and delivered to the
 * bucket with it; the same content dropped again under another name gets them too (its result is reused); a drop whose
 * settings say `captions: off` gets none.
 */
class CaptionsEndToEndTest {
    @TempDir Path tmp;

    @Test
    void aDropGetsSrtAndVttBesideItsVideoUnlessItsSettingsSayOff() throws Exception {
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("a")), 4.0);
        Path other = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("b")), 3.0);
        Path photo = Fixtures.copy("face_astronaut.png", tmp.resolve("media"));
        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3")).start()) {
            S3Client admin = S3ClientFactory.create(new S3Settings("x", "", "us-east-1", s3.endpoint(), true,
                    S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, 5L << 20, 1, 1, 10));
            admin.createBucket(b -> b.bucket("videos"));
            try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), "lipdrop.s3.bucket=videos", "lipdrop.s3.prefix=out",
                    "lipdrop.s3.endpoint=" + s3.endpoint(), "lipdrop.s3.access-key=" + S3ProxyServer.ACCESS_KEY,
                    "lipdrop.s3.secret-key=" + S3ProxyServer.SECRET_KEY, "lipdrop.s3.poll-millis=200",
                    "camel.management.port=" + FreePorts.next()).start()) {
                Path inbox = lipdrop.inbox(), outbox = lipdrop.outbox();
                assertTrue(lipdrop.log().contains("captions: speech model"), "the model was found at start");

                LipDropProcess.drop(photo, inbox.resolve("anna.png"));
                LipDropProcess.drop(speech, inbox.resolve("anna.wav"));
                LipDropProcess.drop(photo, inbox.resolve("quiet.png"));
                Files.writeString(inbox.resolve("quiet.lipdrop.yaml"), "captions: off\n");
                LipDropProcess.drop(other, inbox.resolve("quiet.wav"));
                lipdrop.waitForLog("done anna.png -> outbox/anna.mp4", 180);
                lipdrop.waitForLog("done quiet.png -> outbox/quiet.mp4", 180);

                String srt = Files.readString(outbox.resolve("anna.srt"));
                String vtt = Files.readString(outbox.resolve("anna.vtt"));
                System.out.println("anna.srt:\n" + srt + "anna.vtt:\n" + vtt);
                assertTrue(srt.startsWith("1\n00:00:0") && srt.contains(" --> ") && srt.toLowerCase().contains("product"), srt);
                assertTrue(vtt.startsWith("WEBVTT\n\n00:00:0") && vtt.toLowerCase().contains("product"), vtt);
                JsonObject captions = (JsonObject) report(outbox.resolve("anna.report.json")).get("captions");
                assertEquals("written", captions.get("status"), captions.toJson());
                assertEquals(List.of("anna.srt", "anna.vtt"), captions.get("files"));
                assertEquals("vosk-en", captions.get("recogniser"));

                assertFalse(Files.exists(outbox.resolve("quiet.srt")) || Files.exists(outbox.resolve("quiet.vtt")), "captions: off");
                JsonObject off = (JsonObject) report(outbox.resolve("quiet.report.json")).get("captions");
                assertTrue(String.valueOf(off.get("status")).startsWith("off"), off.toJson());

                try (var names = Files.list(outbox)) {
                    assertEquals(List.of(), names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
                            "no temporary file is left in the outbox");
                }
                // the same content dropped again under another name: its result is reused, captions included
                LipDropProcess.drop(photo, inbox.resolve("bob.png"));
                LipDropProcess.drop(speech, inbox.resolve("bob.wav"));
                lipdrop.waitForLog("delivered as outbox/bob.mp4 without recomputing", 120);
                for (String kind : List.of(".srt", ".vtt")) {
                    assertArrayEquals(Files.readAllBytes(outbox.resolve("anna" + kind)), Files.readAllBytes(outbox.resolve("bob" + kind)),
                            "bob" + kind + " is anna's");
                }
                JsonObject reused = (JsonObject) report(outbox.resolve("bob.report.json")).get("captions");
                assertEquals(List.of("bob.srt", "bob.vtt"), reused.get("files"), reused.toJson());

                for (String f : List.of("anna.srt", "anna.vtt", "bob.srt", "bob.vtt")) {
                    lipdrop.waitForLog("delivered outbox/" + f + " to s3://videos/out/" + f, 60);
                    assertArrayEquals(Files.readAllBytes(outbox.resolve(f)),
                            admin.getObjectAsBytes(b -> b.bucket("videos").key("out/" + f)).asByteArray(), f + " in the bucket");
                }
            }
        }
    }

    private static JsonObject report(Path file) throws Exception {
        return (JsonObject) Jsoner.deserialize(Files.readString(file));
    }
}
