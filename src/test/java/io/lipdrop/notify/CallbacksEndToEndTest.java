package io.lipdrop.notify;

import io.lipdrop.testing.FreePorts;
import com.sun.net.httpserver.HttpServer;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.TestMedia;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real `lipdrop run` posting to a real HTTP receiver: one signed event per job for a done, a duplicate and a
 * quarantined job, although the receiver was not listening at first and then answered 503 twice.
 */
class CallbacksEndToEndTest {
    private static final String SECRET = "a long random string shared with the receiver";

    @TempDir Path tmp;

    /** A webhook receiver: 503 to the first {@code refusals} posts, then 200; it keeps every request. */
    static final class Receiver implements AutoCloseable {
        record Post(String event, String delivery, String signature, String contentType, byte[] body, int answer) {}

        final List<Post> posts = new CopyOnWriteArrayList<>();
        private final AtomicInteger refusals;
        /** Answered after the refusals: 204, or what a test sets. */
        volatile int answer = 204;
        private final HttpServer server;

        Receiver(int port, int refusals) throws Exception {
            this.refusals = new AtomicInteger(refusals);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int answer = this.refusals.getAndDecrement() > 0 ? 503 : this.answer;
                var h = exchange.getRequestHeaders();
                posts.add(new Post(h.getFirst("X-LipDrop-Event"), h.getFirst("X-LipDrop-Delivery"), h.getFirst("X-LipDrop-Signature"),
                        h.getFirst("Content-Type"), body, answer));
                exchange.sendResponseHeaders(answer, -1);
                exchange.close();
            });
            server.start();
        }

        List<Post> accepted() { return posts.stream().filter(p -> p.answer() < 300).toList(); }

        @Override
        public void close() { server.stop(0); }
    }

    @Test
    void everyJobGetsExactlyOneSignedEventThroughAnOutageAndRefusals() throws Exception {
        Path media = tmp.resolve("media");
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 2.0);
        Path photo = Fixtures.copy("face_astronaut.png", media);
        Path noFace = TestMedia.videoFromPhoto(Fixtures.copy("noface_coffee.png", media), media.resolve("coffee.mp4"), 320, 240, 1.0, 25);
        int hookPort = FreePorts.next();
        String[] props = {"lipdrop.notify.url=http://127.0.0.1:" + hookPort + "/hook", "lipdrop.notify.secret=" + SECRET,
                "lipdrop.notify.poll-millis=200", "lipdrop.notify.retry-initial-millis=300", "lipdrop.notify.retry-max-millis=1000",
                "camel.management.port=" + FreePorts.next(),
                "lipdrop.captions=off"}; // the events are tested: no speech recogniser beside each job

        try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), props).start()) {
            // the receiver is down (nothing listens on its port) when the first job is done
            LipDropProcess.drop(speech, lipdrop.inbox().resolve("one.wav"));
            LipDropProcess.drop(photo, lipdrop.inbox().resolve("one.png"));
            lipdrop.waitForLog("done one\\.png", 120);
            lipdrop.waitForLog("WARN  callback done for one\\.png to http://127\\.0\\.0\\.1:" + hookPort + "/… failed: cannot connect", 60);

            try (Receiver receiver = new Receiver(hookPort, 2)) {
                LipDropProcess.drop(speech, lipdrop.inbox().resolve("two.wav"));
                LipDropProcess.drop(photo, lipdrop.inbox().resolve("two.png"));
                LipDropProcess.drop(speech, lipdrop.inbox().resolve("bad.wav"));
                LipDropProcess.drop(noFace, lipdrop.inbox().resolve("bad.mp4"));
                for (int i = 0; i < 1200 && receiver.accepted().size() < 3; i++) Thread.sleep(100);
                Thread.sleep(3000); // fifteen more polls: nothing is sent twice
                List<Receiver.Post> accepted = receiver.accepted();
                assertEquals(3, accepted.size(), "one event per job: " + receiver.posts + "\n" + lipdrop.log());

                Map<String, Receiver.Post> byEvent = accepted.stream().collect(Collectors.toMap(Receiver.Post::event, Function.identity()));
                assertEquals(Set.of("done", "duplicate", "quarantined"), byEvent.keySet());
                for (Receiver.Post p : receiver.posts) {
                    assertTrue(CallbackSignature.verify(SECRET, p.body(), p.signature()), "signed: " + p);
                    assertFalse(CallbackSignature.verify("another secret", p.body(), p.signature()), "a wrong secret fails verification");
                    assertEquals("application/json; charset=utf-8", p.contentType());
                }
                // the refused posts were the same events again, under the same delivery id
                List<Receiver.Post> refused = receiver.posts.stream().filter(p -> p.answer() == 503).toList();
                assertEquals(2, refused.size());
                Set<String> ids = accepted.stream().map(Receiver.Post::delivery).collect(Collectors.toSet());
                assertEquals(3, ids.size());
                for (Receiver.Post p : refused) assertTrue(ids.contains(p.delivery()), "a repeat keeps its X-LipDrop-Delivery: " + p);

                // done and duplicate: the reports, byte for byte; quarantined: what went wrong and what to do
                assertArrayEquals(Files.readAllBytes(lipdrop.outbox().resolve("one.report.json")), byEvent.get("done").body());
                assertArrayEquals(Files.readAllBytes(lipdrop.outbox().resolve("two.report.json")), byEvent.get("duplicate").body());
                JsonObject done = json(byEvent.get("done"));
                JsonObject duplicate = json(byEvent.get("duplicate"));
                assertEquals(done.getString("key"), duplicate.getString("reused"));
                assertEquals("two.mp4", duplicate.getString("output"));
                JsonObject quarantined = json(byEvent.get("quarantined"));
                assertEquals("quarantined", quarantined.getString("status"));
                assertEquals("bad.mp4", quarantined.getString("job"));
                assertEquals(64, quarantined.getString("key").length());
                assertTrue(quarantined.getString("error").contains("no face was found"), quarantined.toJson());
                assertFalse(quarantined.getString("advice").isBlank());
                assertEquals(1, lipdrop.count("callback done for one\\.png sent to"));

                // a receiver that refuses for good (410 Gone) is asked once, not again and again
                receiver.answer = 410;
                LipDropProcess.drop(speech, lipdrop.inbox().resolve("four.wav"));
                LipDropProcess.drop(photo, lipdrop.inbox().resolve("four.png"));
                lipdrop.waitForLog("WARN  callback duplicate for four\\.png to http://127\\.0\\.0\\.1:" + hookPort
                        + "/… given up after 1 attempt\\(s\\): HTTP 410 \\(refused, not retried\\)", 60);
                Thread.sleep(2000);
                assertEquals(1, receiver.posts.stream().filter(p -> p.answer() == 410).count(), receiver.posts.toString());
            }
            String everything = lipdrop.log() + lipdrop.console();
            assertFalse(everything.contains(SECRET), "the secret is never logged");
            assertFalse(everything.contains(hookPort + "/hook"), "nor the URL's path, where webhooks keep their tokens");
        }
    }

    /**
     * A job's own notify-url (its lipdrop.yaml) takes its events; the global URL gets none of them. Its port is not
     * lipdrop.notify.url's, so lipdrop.notify.allow must name the host.
     */
    @Test
    void aJobsOwnUrlTakesItsEvents() throws Exception {
        Path media = tmp.resolve("media");
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 2.0);
        Path photo = Fixtures.copy("face_astronaut.png", media);
        int globalPort = FreePorts.next(), ownPort = FreePorts.next();
        try (Receiver global = new Receiver(globalPort, 0); Receiver own = new Receiver(ownPort, 0);
             LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), "lipdrop.captions=off", "lipdrop.notify.url=http://127.0.0.1:" + globalPort + "/hook",
                     "lipdrop.notify.secret=" + SECRET, "lipdrop.notify.poll-millis=200", "lipdrop.notify.allow=127.0.0.1",
                     "camel.management.port=" + FreePorts.next()).start()) {
            Path settings = media.resolve("solo.lipdrop.yaml");
            Files.writeString(settings, "notify-url: http://127.0.0.1:" + ownPort + "/hook\n");
            LipDropProcess.drop(settings, lipdrop.inbox().resolve("solo.lipdrop.yaml"));
            LipDropProcess.drop(speech, lipdrop.inbox().resolve("solo.wav"));
            LipDropProcess.drop(photo, lipdrop.inbox().resolve("solo.png"));
            for (int i = 0; i < 1200 && own.accepted().isEmpty(); i++) Thread.sleep(100);
            Thread.sleep(1500);
            assertEquals(1, own.accepted().size(), "the job's own receiver: " + own.posts + "\n" + lipdrop.log());
            Receiver.Post p = own.accepted().get(0);
            assertEquals("done", p.event());
            assertTrue(CallbackSignature.verify(SECRET, p.body(), p.signature()));
            assertEquals("solo.mp4", json(p).getString("output"));
            assertTrue(global.posts.isEmpty(), "nothing for this job at lipdrop.notify.url: " + global.posts);
        }
    }

    /**
     * Issue 22: a drop whose notify-url points at an internal address that lipdrop.notify.allow does not name is
     * refused at intake, with the reason; neither that address nor lipdrop.notify.url hears of it.
     */
    @Test
    void aDropsUrlOutsideTheAllowListIsRefusedAtIntake() throws Exception {
        Path media = tmp.resolve("media");
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", media), 2.0);
        Path photo = Fixtures.copy("face_astronaut.png", media);
        int globalPort = FreePorts.next(), internalPort = FreePorts.next();
        try (Receiver global = new Receiver(globalPort, 0); Receiver internal = new Receiver(internalPort, 0);
             LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), "lipdrop.captions=off", "lipdrop.notify.url=http://127.0.0.1:" + globalPort + "/hook",
                     "lipdrop.notify.secret=" + SECRET, "lipdrop.notify.poll-millis=200", "camel.management.port=" + FreePorts.next()).start()) {
            lipdrop.waitForLog(java.util.regex.Pattern.quote("callbacks may go to: 127.0.0.1:" + globalPort + " (lipdrop.notify.url)"), 60);
            Path settings = media.resolve("solo.lipdrop.yaml");
            Files.writeString(settings, "notify-url: http://127.0.0.1:" + internalPort + "/hook?token=x\n");
            LipDropProcess.drop(settings, lipdrop.inbox().resolve("solo.lipdrop.yaml"));
            LipDropProcess.drop(speech, lipdrop.inbox().resolve("solo.wav"));
            LipDropProcess.drop(photo, lipdrop.inbox().resolve("solo.png"));
            lipdrop.waitForLog(java.util.regex.Pattern.quote("solo.lipdrop.yaml: notify-url: 'http://127.0.0.1:" + internalPort
                    + "/hook (credentials and query not shown)' is not allowed: its host 127.0.0.1 is not in lipdrop.notify.allow"), 60);
            Thread.sleep(1500);
            assertTrue(internal.posts.isEmpty(), "the internal address gets nothing: " + internal.posts);
            assertTrue(global.posts.isEmpty(), "a drop refused as a whole has no job and no callback: " + global.posts);
            assertEquals(0, lipdrop.count("processing solo"), lipdrop.log());
        }
    }

    private static JsonObject json(Receiver.Post p) throws Exception {
        return (JsonObject) Jsoner.deserialize(new String(p.body(), StandardCharsets.UTF_8));
    }

}
