package io.lipdrop.notify;

import com.sun.net.httpserver.HttpServer;
import io.lipdrop.job.Callback;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a callback may go (issue 22: a drop's notify-url must not make LipDrop post to internal addresses), against
 * real HTTP receivers on loopback and the real H2 store: what is refused is given up at once and never reaches them.
 */
class CallbackTargetsTest {
    private static final String SECRET = "secret";

    @TempDir Path data;
    private JobStore store;
    private final Receiver receiver = new Receiver();
    private final Receiver other = new Receiver();

    /** A receiver on 127.0.0.1 that keeps what it got and answers {@code answer} (with {@code location} on a redirect). */
    static final class Receiver {
        record Got(String target, String host, String authorization, String signature, byte[] body) {}

        final List<Got> got = new CopyOnWriteArrayList<>();
        volatile int answer = 204;
        volatile String location;
        HttpServer server;

        void start() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var h = exchange.getRequestHeaders();
                got.add(new Got(exchange.getRequestURI().toString(), h.getFirst("Host"), h.getFirst("Authorization"),
                        h.getFirst(CallbackSignature.HEADER), body));
                if (location != null) exchange.getResponseHeaders().add("Location", location);
                exchange.sendResponseHeaders(answer, -1);
                exchange.close();
            });
            server.start();
        }

        int port() { return server.getAddress().getPort(); }
    }

    @BeforeEach
    void start() throws Exception {
        receiver.start();
        other.start();
        store = new H2JobStore(data);
    }

    @AfterEach
    void stop() {
        receiver.server.stop(0);
        other.server.stop(0);
        store.close();
    }

    private CallbackSender sender(String allow, String operatorUrl, TargetCheck.Resolver resolver) {
        NotifySettings s = new NotifySettings(operatorUrl, SECRET, 100, 1000, 4000, Duration.ofMinutes(60), Duration.ofSeconds(5),
                AllowedTargets.parse(allow, operatorUrl));
        return new CallbackSender(store, s, LipDropMetrics.none(), resolver);
    }

    private CallbackSender sender(String allow, String operatorUrl) { return sender(allow, operatorUrl, InetAddress::getAllByName); }

    /** Queues an event as a job would (so one queued before an upgrade is covered too) and sends it once. */
    private void send(CallbackSender sender, String url) {
        Callback c = new Callback(UUID.randomUUID().toString(), "done", "k".repeat(64), "anna.mp4", url, "{\"job\":\"anna.mp4\"}\n", 0,
                Instant.now());
        String key = "k" + System.nanoTime();
        store.markDone(key, key + ".mp4", List.of(), null, c);
        sender.send(store.dueCallbacks(Long.MAX_VALUE, 100).stream().filter(x -> x.id().equals(c.id())).findFirst().orElseThrow());
    }

    private String admin(int port) { return "http://127.0.0.1:" + port + "/internal/admin?token=x"; }

    @Test
    void aUrlToLoopbackIsRefusedWithAnEmptyAllowListAndGivenUpAtOnce() {
        try (CapturedLog log = new CapturedLog()) {
            send(sender("", ""), admin(receiver.port()));
            assertEquals(List.of(), receiver.got, "nothing reaches the internal address");
            assertEquals(0, store.pendingCallbacks(), "given up, not retried");
            assertEquals(1, log.count("WARN callback done for anna.mp4 to http://127.0.0.1:" + receiver.port() + "/… given up after 1 "
                    + "attempt(s): refused: its host 127.0.0.1 is not allowed (set lipdrop.notify.allow to allow it)"), log.lines().toString());
        }
    }

    /** The attack of issue 22 with a receiver configured: lipdrop.notify.url's origin is trusted, not its host's other ports. */
    @Test
    void theOperatorsOwnOriginIsAllowedButNotAnotherPortOnItsHost() {
        CallbackSender sender = sender("", "http://127.0.0.1:" + receiver.port() + "/hook");
        send(sender, "http://127.0.0.1:" + receiver.port() + "/hook");
        send(sender, admin(other.port()));
        assertEquals(1, receiver.got.size());
        assertEquals(List.of(), other.got);
        assertEquals(0, store.pendingCallbacks());
    }

    @Test
    void anAllowedAddressGetsTheSignedPost() {
        send(sender("127.0.0.0/8", ""), admin(receiver.port()));
        assertEquals(1, receiver.got.size());
        Receiver.Got g = receiver.got.get(0);
        assertEquals("/internal/admin?token=x", g.target());
        assertTrue(CallbackSignature.verify(SECRET, g.body(), g.signature()));
        assertEquals(null, g.authorization(), "no credentials in the URL: no Authorization header");
        assertEquals(0, store.pendingCallbacks(), "sent");
    }

    /** A listed name allows the name; it resolving to an internal address needs that address listed too. */
    @Test
    void aNameAllowedByNameThatResolvesToLoopbackIsRefusedUnlessTheAddressIsListed() {
        try (CapturedLog log = new CapturedLog()) {
            send(sender("localhost", ""), "http://localhost:" + receiver.port() + "/hook");
            assertEquals(List.of(), receiver.got);
            assertEquals(0, store.pendingCallbacks());
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARN callback done for anna.mp4")
                    && l.contains("refused: localhost resolves to") && l.contains("a loopback address that lipdrop.notify.allow "
                    + "does not list")).count(), log.lines().toString());
        }
        send(sender("localhost, 127.0.0.1", ""), "http://localhost:" + receiver.port() + "/hook");
        assertEquals(1, receiver.got.size());
    }

    /**
     * The address that was checked is the one connected to: hooks.test exists only in this resolver, so the post
     * arriving proves no second lookup; a name that resolves to the metadata service is refused.
     */
    @Test
    void thePostGoesToTheCheckedAddressAndMetadataIsRefused() {
        TargetCheck.Resolver fixed = host -> switch (host) {
            case "hooks.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
            case "rebound.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})};
            default -> throw new UnknownHostException(host);
        };
        CallbackSender sender = sender("hooks.test, rebound.test, 127.0.0.1", "", fixed);
        send(sender, "http://hooks.test:" + receiver.port() + "/hook");
        assertEquals(1, receiver.got.size());
        assertEquals("hooks.test:" + receiver.port(), receiver.got.get(0).host(), "the URL's host in Host");
        try (CapturedLog log = new CapturedLog()) {
            send(sender, "http://rebound.test:" + receiver.port() + "/latest/meta-data/");
            assertEquals(1, receiver.got.size());
            assertEquals(1, log.count("refused: rebound.test resolves to 169.254.169.254, a link-local address"), log.lines().toString());
        }
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndNeverLogged() {
        try (CapturedLog log = new CapturedLog()) {
            send(sender("127.0.0.1", ""), "http://ann%3A1:p%40ss+w@127.0.0.1:" + receiver.port() + "/hook");
            assertEquals(1, receiver.got.size());
            String expected = "Basic " + Base64.getEncoder().encodeToString("ann:1:p@ss+w".getBytes(StandardCharsets.UTF_8));
            assertEquals(expected, receiver.got.get(0).authorization());
            assertEquals("/hook", receiver.got.get(0).target());
            String all = String.join("\n", log.lines());
            assertFalse(all.contains("p%40ss") || all.contains("p@ss") || all.contains(expected.substring(6)), all);
        }
    }

    @Test
    void aRedirectIsNotFollowed() {
        receiver.answer = 302;
        receiver.location = "http://127.0.0.1:" + other.port() + "/hook";
        try (CapturedLog log = new CapturedLog()) {
            send(sender("127.0.0.1", ""), "http://127.0.0.1:" + receiver.port() + "/hook");
            assertEquals(1, receiver.got.size());
            assertEquals(List.of(), other.got, "the redirect's target gets nothing");
            assertEquals(0, store.pendingCallbacks());
            assertEquals(1, log.count("HTTP 302 (a redirect: set the final URL)"), log.lines().toString());
        }
    }

    @Test
    void theAllowListIsCheckedAtStartAndShown() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AllowedTargets.parse("hooks.example.com, 10.0.0.0/33", ""));
        assertTrue(e.getMessage().startsWith("lipdrop.notify.allow: '10.0.0.0/33' is not a host, a domain, an IP address or a CIDR"),
                e.getMessage());
        for (String bad : List.of("http://x.com", "a b", "10.0.0.300", "*.", "-x.com", "10.0.0.0/x")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> AllowedTargets.parse(bad, ""), bad);
        }
        assertEquals("127.0.0.1:8080 (lipdrop.notify.url), hooks.example.com, *.example.org, 10.1.0.0/16, fd00:0:0:0:0:0:0:0/8",
                AllowedTargets.parse("Hooks.Example.com, .example.org, 10.1.2.3/16, fd00::/8", "http://127.0.0.1:8080/hook").describe());
        assertEquals("*.example.org", AllowedTargets.parse("*.example.org", "").describe());
    }

    @Test
    void namesDomainsAddressesAndCidrsMatchAsWritten() throws Exception {
        AllowedTargets t = AllowedTargets.parse("hooks.example.com, .example.org, 10.1.0.0/16, fd00::/8", "");
        assertTrue(t.allowsUrl(java.net.URI.create("https://HOOKS.example.com./x")));
        assertFalse(t.allowsUrl(java.net.URI.create("https://evilhooks.example.com/x")));
        assertTrue(t.allowsUrl(java.net.URI.create("https://a.b.example.org/x")));
        assertFalse(t.allowsUrl(java.net.URI.create("https://example.org/x")), "a domain entry is its subdomains");
        assertFalse(t.allowsUrl(java.net.URI.create("https://example.org.evil.com/x")));
        assertTrue(t.allowsUrl(java.net.URI.create("http://10.1.200.3/x")));
        assertFalse(t.allowsUrl(java.net.URI.create("http://10.2.0.1/x")));
        assertTrue(t.allowsUrl(java.net.URI.create("http://[fd12::1]:8080/x")));
        assertFalse(t.allowsUrl(java.net.URI.create("http://[fe80::1]/x")));
        assertFalse(t.allowsUrl(java.net.URI.create("http://127.1/x")), "a short IPv4 form is no listed name");
        assertTrue(t.listsAddress(InetAddress.getByName("::ffff:10.1.0.9")), "IPv4-mapped is the IPv4 address");
    }

    @Test
    void internalAddressesAreNamedAndPublicOnesAreNot() throws Exception {
        Map<String, String> kinds = Map.ofEntries(Map.entry("127.0.0.1", "a loopback address"), Map.entry("::1", "a loopback address"),
                Map.entry("169.254.169.254", "a link-local address"), Map.entry("fe80::1", "a link-local address"),
                Map.entry("10.0.0.1", "a private address"), Map.entry("172.16.5.4", "a private address"),
                Map.entry("192.168.1.1", "a private address"), Map.entry("0.0.0.0", "the unspecified address"),
                Map.entry("::", "the unspecified address"), Map.entry("224.0.0.1", "a multicast address"),
                Map.entry("ff02::1", "a multicast address"), Map.entry("100.64.0.1", "an internal address (100.64.0.0/10)"),
                Map.entry("fd00::1", "an internal address (fc00:0:0:0:0:0:0:0/7)"), Map.entry("::ffff:127.0.0.1", "a loopback address"),
                Map.entry("::ffff:169.254.169.254", "a link-local address"), Map.entry("0:0:0:0:0:0:a00:1", "a private address"));
        kinds.forEach((address, kind) -> {
            try {
                assertEquals(kind, InternalAddresses.kind(InetAddress.getByName(address)), address);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
        for (String pub : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "100.128.0.1")) {
            assertEquals(null, InternalAddresses.kind(InetAddress.getByName(pub)), pub);
        }
    }
}
