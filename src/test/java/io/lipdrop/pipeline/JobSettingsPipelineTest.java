package io.lipdrop.pipeline;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.testing.Fixtures;
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
import java.time.LocalDate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-job settings through a real `lipdrop run` with real FFmpeg and a real S3 server (s3proxy): a batch's
 * lipdrop.yaml names its outputs, pads the face (a new job key) and sends its files under its own S3 prefix; a
 * single job's settings file travels with its inputs; settings that do not change the picture keep the key; an
 * unknown key and a bad value quarantine their drops with the file and the key named.
 */
class JobSettingsPipelineTest {
    @TempDir Path tmp;

    private static Path batch(Path stage, String name, Path speech, Path photo, String yaml) throws Exception {
        Path dir = Files.createDirectories(stage.resolve(name));
        Files.copy(speech, dir.resolve("speech.wav"));
        Files.copy(photo, dir.resolve("anna.png"));
        if (yaml != null) Files.writeString(dir.resolve("lipdrop.yaml"), yaml);
        return dir;
    }

    /** Moves a prepared batch folder into the inbox in one rename, as a careful uploader would. */
    private static void dropFolder(Path folder, Path inbox) throws Exception {
        Files.move(folder, inbox.resolve(folder.getFileName()));
    }

    private static JsonObject report(Path file) throws Exception {
        return (JsonObject) Jsoner.deserialize(Files.readString(file));
    }

    @Test
    void aDropsOwnSettingsShapeItsOutputsKeyAndDelivery() throws Exception {
        Path media = tmp.resolve("media");
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 2.0);
        Path photo = Fixtures.copy("face_astronaut.png", media);
        Path stage = tmp.resolve("stage");
        Path home = tmp.resolve("home");
        String today = LocalDate.now().toString();
        int port = FreePorts.next();

        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3")).start()) {
            S3Client admin = S3ClientFactory.create(new S3Settings("x", "", "us-east-1", s3.endpoint(), true,
                    S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, 5L << 20, 1, 1, 10));
            admin.createBucket(b -> b.bucket("videos"));
            try (LipDropProcess lipdrop = new LipDropProcess(home, "lipdrop.s3.bucket=videos", "lipdrop.s3.prefix=out",
                    "lipdrop.s3.endpoint=" + s3.endpoint(), "lipdrop.s3.access-key=" + S3ProxyServer.ACCESS_KEY,
                    "lipdrop.s3.secret-key=" + S3ProxyServer.SECRET_KEY, "lipdrop.s3.poll-millis=200",
                    "lipdrop.notify.allow=127.0.0.1, example.org", "camel.management.port=" + port).start()) {
                Path inbox = lipdrop.inbox(), outbox = lipdrop.outbox();

                // the same content, once with settings that change the picture and the names, once without
                dropFolder(batch(stage, "promo", speech, photo, """
                        # the promo's own settings
                        output: "{batch}-{name}"
                        pads: [0, 30, 0, 0]
                        s3-prefix: clients/acme
                        notify-url: http://127.0.0.1:9/hook
                        """), inbox);
                lipdrop.waitForLog("done promo/anna.png -> outbox/promo/promo-anna.mp4", 180);
                dropFolder(batch(stage, "plain", speech, photo, null), inbox);
                lipdrop.waitForLog("done plain/anna.png -> outbox/plain/anna.mp4", 180);

                JsonObject promo = report(outbox.resolve("promo/promo-anna.report.json"));
                JsonObject plain = report(outbox.resolve("plain/anna.report.json"));
                assertNotEquals(plain.get("key"), promo.get("key"), "padding is part of the job key");
                assertEquals(Map.of("file", "lipdrop.yaml", "output", "{batch}-{name}", "pads", "0,30,0,0", "s3-prefix", "clients/acme",
                        "notify-url", "http://127.0.0.1:9/hook"), promo.get("settings"), "the report records the settings used");
                assertFalse(plain.containsKey("settings"));
                assertEquals(50, TestMedia.probe(outbox.resolve("promo/promo-anna.mp4")).frames());
                assertTrue(Files.exists(lipdrop.archive().resolve(today).resolve("promo/lipdrop.yaml")), "archived with its batch");

                // the S3 prefix reaches the bucket; a drop without settings keeps lipdrop.s3.prefix
                lipdrop.waitForLog("delivered outbox/promo/promo-anna.mp4 to s3://videos/clients/acme/promo/promo-anna.mp4", 60);
                lipdrop.waitForLog("delivered outbox/plain/anna.mp4 to s3://videos/out/plain/anna.mp4", 60);
                assertArrayEquals(Files.readAllBytes(outbox.resolve("promo/promo-anna.mp4")),
                        admin.getObjectAsBytes(b -> b.bucket("videos").key("clients/acme/promo/promo-anna.mp4")).asByteArray());

                // settings that do not change the picture leave the key alone: the same content is not made again
                dropFolder(batch(stage, "again", speech, photo, "s3-prefix: elsewhere\nnotify-url: https://example.org/h\n"), inbox);
                for (int i = 0; i < 300 && Files.exists(inbox.resolve("again")); i++) Thread.sleep(100);
                assertFalse(Files.exists(inbox.resolve("again")), "the batch was finished");
                assertEquals(0, lipdrop.count("processing again/anna.png"), "not processed: its key is the plain one's");

                // a single job with its own settings file: it waits with its inputs and is archived with them
                LipDropProcess.drop(photo, inbox.resolve("solo.png"));
                Files.writeString(inbox.resolve("solo.lipdrop.yaml"), "output: \"{name}-final\"\nface: left\n");
                LipDropProcess.drop(speech, inbox.resolve("solo.wav"));
                lipdrop.waitForLog("done solo.png -> outbox/solo-final.mp4", 180);
                assertNotEquals(plain.get("key"), report(outbox.resolve("solo-final.report.json")).get("key"), "the face choice is in the key");
                for (int i = 0; i < 100 && Files.exists(inbox.resolve("solo.lipdrop.yaml")); i++) Thread.sleep(100);
                assertTrue(Files.exists(lipdrop.archive().resolve(today).resolve("solo.lipdrop.yaml")), "archived with its inputs");

                // an unknown key (a batch) and a bad value (a single job) quarantine their drops, naming file and key
                dropFolder(batch(stage, "typo", speech, photo, "face: left\ncolour: red\n"), inbox);
                LipDropProcess.drop(photo, inbox.resolve("bad.png"));
                Files.writeString(inbox.resolve("bad.lipdrop.yaml"), "face: middle\n");
                LipDropProcess.drop(speech, inbox.resolve("bad.wav"));
                lipdrop.waitForLog("ERROR bad input typo/: typo/lipdrop.yaml: unknown key 'colour' \\(allowed: model, pads", 60);
                lipdrop.waitForLog("ERROR bad input bad.wav: bad.lipdrop.yaml: face: 'middle' is not allowed \\(allowed: largest, left, right, center\\)", 60);
                Path failed = lipdrop.archive().resolve("failed").resolve(today);
                String typo = Files.readString(failed.resolve("typo.error.txt"));
                assertTrue(typo.contains("Reason: typo/lipdrop.yaml: unknown key 'colour' (allowed: model, pads, face-detector, face, "
                        + "video-bitrate, output, s3-prefix, notify-url, captions, language)"), typo);
                assertTrue(Files.exists(failed.resolve("typo/lipdrop.yaml")) && Files.exists(failed.resolve("typo/anna.png")));
                String bad = Files.readString(failed.resolve("bad.wav.error.txt"));
                assertTrue(bad.contains("Reason: bad.lipdrop.yaml: face: 'middle' is not allowed (allowed: largest, left, right, center)"), bad);
                for (String f : new String[] {"bad.wav", "bad.png", "bad.lipdrop.yaml"}) assertTrue(Files.exists(failed.resolve(f)), f);
                assertEquals(0, lipdrop.count("processing typo/|processing bad"), "nothing made from a drop with bad settings");
            }
        }
    }
}
