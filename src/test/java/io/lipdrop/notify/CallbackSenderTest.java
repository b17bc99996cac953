package io.lipdrop.notify;

import io.lipdrop.testing.FreePorts;
import com.sun.net.httpserver.HttpServer;
import io.lipdrop.job.Callback;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the sender does with each answer, against a real HTTP server and the real H2 store. */
class CallbackSenderTest {
    @TempDir Path data;
    private HttpServer server;
    private final AtomicInteger answer = new AtomicInteger(204);
    private final AtomicInteger posts = new AtomicInteger();
    private JobStore store;
    private CallbackSender sender;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            posts.incrementAndGet();
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        server.start();
        store = new H2JobStore(data);
        sender = new CallbackSender(store, new NotifySettings("", "secret", 100, 1000, 4000, Duration.ofMinutes(60), Duration.ofSeconds(5),
                AllowedTargets.parse("127.0.0.1", "")),
                LipDropMetrics.none());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        store.close();
    }

    private Callback queued(String url, Instant created) {
        Callback c = new Callback(java.util.UUID.randomUUID().toString(), "done", "k".repeat(64), "anna.mp4", url, "{}\n", 0, created);
        String key = "k" + posts.get() + System.nanoTime();
        store.markDone(key, key + ".mp4", List.of(), null, c);
        return store.dueCallbacks(Long.MAX_VALUE, 100).stream().filter(x -> x.id().equals(c.id())).findFirst().orElseThrow();
    }

    private String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"; }

    @Test
    void retriesWithGrowingPausesSendsOnceAndGivesUpOnARefusalOrWhenTooOld() throws Exception {
        answer.set(503);
        Callback c = queued(url(), Instant.now());
        long before = System.currentTimeMillis();
        sender.send(c);
        assertEquals(List.of(), store.dueCallbacks(System.currentTimeMillis(), 10), "not due again at once");
        Callback again = store.dueCallbacks(Long.MAX_VALUE, 10).get(0);
        assertEquals(1, again.attempts());
        sender.send(again);
        assertEquals(List.of(), store.dueCallbacks(before + 1999, 10), "the second pause is twice the first (2 s)");
        assertEquals(1, store.dueCallbacks(System.currentTimeMillis() + 2000, 10).size());

        answer.set(429); // too many requests: later
        sender.send(store.dueCallbacks(Long.MAX_VALUE, 10).get(0));
        assertEquals(1, store.pendingCallbacks());
        answer.set(204);
        sender.send(store.dueCallbacks(Long.MAX_VALUE, 10).get(0));
        assertEquals(0, store.pendingCallbacks(), "sent: never again");
        assertEquals(4, posts.get());

        answer.set(400); // refused for good: once
        sender.send(queued(url(), Instant.now()));
        assertEquals(0, store.pendingCallbacks());
        assertEquals(5, posts.get());

        // nobody listening, and the event is older than lipdrop.notify.give-up-minutes: given up
        int closed = FreePorts.next();
        Callback old = queued("http://127.0.0.1:" + closed + "/hook", Instant.now().minus(Duration.ofMinutes(61)));
        sender.send(old);
        assertEquals(0, store.pendingCallbacks());
        Callback young = queued("http://127.0.0.1:" + closed + "/hook", Instant.now());
        sender.send(young);
        assertEquals(1, store.pendingCallbacks(), "a young event whose receiver is down is kept for later");
        assertTrue(store.dueCallbacks(Long.MAX_VALUE, 10).get(0).attempts() == 1);
    }
}
