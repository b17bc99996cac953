package io.lipdrop.delivery;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.S3ProxyServer;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real `lipdrop run` delivering to a real s3proxy: intact, exactly once, through an outage and a kill -9. */
class DeliveryEndToEndTest {
    @TempDir Path tmp;

    @Test
    void resultsReachTheBucketIntactOnceThroughAnOutageAndARestart() throws Exception {
        Path media = tmp.resolve("media");
        Path video = TestMedia.videoFromPhoto(Fixtures.copy("face_astronaut.png", media), media.resolve("p.mp4"), 320, 240, 1.0, 25);
        Path speech = Fixtures.copy("speech_en_16k.wav", media);
        Path otherSpeech = Fixtures.copy("speech_zh_16k.wav", media);
        Path home = tmp.resolve("home");
        int port = FreePorts.next();

        try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3")).start()) {
            S3Client admin = S3ClientFactory.create(new S3Settings("x", "", "us-east-1", s3.endpoint(), true,
                    S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, 5L << 20, 1, 1, 10));
            admin.createBucket(b -> b.bucket("videos"));
            String[] props = {"lipdrop.s3.bucket=videos", "lipdrop.s3.prefix=out", "lipdrop.s3.endpoint=" + s3.endpoint(),
                    "lipdrop.s3.access-key=" + S3ProxyServer.ACCESS_KEY, "lipdrop.s3.secret-key=" + S3ProxyServer.SECRET_KEY,
                    "lipdrop.s3.poll-millis=200", "lipdrop.s3.retry-initial-millis=200", "lipdrop.s3.retry-max-millis=1000",
                    "lipdrop.s3.timeout-seconds=5", "camel.management.port=" + port,
                    // the delivery is what is tested here: no speech recogniser beside each job (CaptionsEndToEndTest
                    // delivers captions); it took a core from the jobs on the 2-core CI machine
                    "lipdrop.captions=off"};

            try (LipDropProcess first = new LipDropProcess(home, props).start()) {
                LipDropProcess.drop(speech, first.inbox().resolve("one.wav"));
                LipDropProcess.drop(video, first.inbox().resolve("one.mp4"));
                first.waitForLog("delivered outbox/one.mp4 to s3://videos/out/one.mp4", 120);
                first.waitForLog("delivered outbox/one.report.json", 30);
                assertEquals(200, health(port).statusCode(), health(port).body());
                assertTrue(health(port).body().contains("\"s3\""));

                s3.stop();
                LipDropProcess.drop(otherSpeech, first.inbox().resolve("two.wav"));
                LipDropProcess.drop(video, first.inbox().resolve("two.mp4"));
                first.waitForLog("done two.mp4", 120);
                first.waitForLog("S3 delivery: the S3 endpoint cannot be reached", 60);
                HttpResponse<String> down = health(port);
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("S3 delivery failing"), down.body());
                assertTrue(Files.exists(first.outbox().resolve("two.mp4")), "the job is done locally");
                first.kill9();
            }
            s3.start();
            try (LipDropProcess second = new LipDropProcess(home, props).start()) {
                second.waitForLog("delivered outbox/two.mp4 to s3://videos/out/two.mp4", 120);
                second.waitForLog("delivered outbox/two.report.json", 30);
                assertEquals(1, second.count("delivered outbox/one.mp4"), "delivered once, across the restart");
                // the content of one under another name: not made again, delivered to the bucket under its own key
                LipDropProcess.drop(speech, second.inbox().resolve("three.wav"));
                LipDropProcess.drop(video, second.inbox().resolve("three.mp4"));
                second.waitForLog("delivered outbox/three.mp4 to s3://videos/out/three.mp4", 60);
                second.waitForLog("delivered outbox/three.report.json", 30);
                assertEquals(0, second.count("processing three"));
                for (String f : new String[] {"one.mp4", "one.report.json", "two.mp4", "two.report.json", "three.mp4", "three.report.json"}) {
                    assertArrayEquals(Files.readAllBytes(home.resolve("outbox").resolve(f)),
                            admin.getObjectAsBytes(b -> b.bucket("videos").key("out/" + f)).asByteArray(), f);
                }
            }

            props[4] = "lipdrop.s3.secret-key=wrong-secret";
            try (LipDropProcess third = new LipDropProcess(home, props).start()) {
                third.waitForLog("ERROR S3 delivery: the server refused LipDrop's credentials", 60);
                HttpResponse<String> down = health(port);
                assertEquals(503, down.statusCode());
                assertTrue(down.body().contains("lipdrop.s3.secret-key"), down.body());
                assertTrue(!third.log().contains("wrong-secret") && !down.body().contains("wrong-secret"), "secrets stay secret");
            }
        }
    }

    static HttpResponse<String> health(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
