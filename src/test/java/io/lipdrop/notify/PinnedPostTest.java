package io.lipdrop.notify;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over https the pinned post still checks the certificate against the URL's host, not the address connected to: real
 * HTTPS servers on 127.0.0.1 with certificates made by keytool, both trusted by the client, one for another name.
 */
class PinnedPostTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir Path dir;
    private final List<HttpsServer> servers = new ArrayList<>();
    private final AtomicInteger posts = new AtomicInteger();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A PKCS12 key store holding a self-signed certificate for {@code name} (CN and DNS subject alternative name). */
    private Identity keys(String name) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=dns:" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return new Identity(name, ks);
    }

    private record Identity(String name, KeyStore store) {}

    private int serve(Identity k) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(k.store(), PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            posts.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    /** A client that trusts exactly these certificates, with HttpClient's default hostname verifier. */
    private static PinnedPost trusting(Identity... certificates) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (Identity k : certificates) trusted.setCertificateEntry(k.name(), k.store().getCertificate(k.name()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return new PinnedPost(new SSLConnectionSocketFactory(ctx), Duration.ofSeconds(5));
    }

    @Test
    void anHttpsUrlIsVerifiedAgainstItsHostNotTheAddressConnectedTo() throws Exception {
        Identity hooks = keys("hooks.test");
        Identity other = keys("other.test");
        PinnedPost post = trusting(hooks, other);
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        Map<String, String> headers = Map.of("Content-Type", "application/json");

        int right = serve(hooks);
        assertEquals(204, post.post(URI.create("https://hooks.test:" + right + "/hook"), loopback, headers, "{}".getBytes()));
        assertEquals(1, posts.get());

        int wrong = serve(other); // trusted, but for another name
        SSLPeerUnverifiedException e = assertThrows(SSLPeerUnverifiedException.class,
                () -> post.post(URI.create("https://hooks.test:" + wrong + "/hook"), loopback, headers, "{}".getBytes()));
        assertTrue(e.getMessage().contains("<hooks.test>") && e.getMessage().contains("other.test"), e.getMessage());
        assertEquals(1, posts.get(), "nothing is posted to a server whose certificate names another host");
    }
}
