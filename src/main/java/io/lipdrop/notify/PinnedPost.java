package io.lipdrop.notify;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP/1.1 POST to an address {@link TargetCheck} has already checked, returning the status code. Not
 * java.net.http.HttpClient: on Java 17 it resolves the host itself (no per-client resolver), a second DNS lookup
 * after the check that a rebinding name could answer differently. So the request is written on a socket connected
 * to the checked address, with the URL's host in Host and, over https, in SNI and the certificate check (the
 * default trust store, as HttpClient used). Only the status line is read: a redirect is never followed.
 */
final class PinnedPost {
    private static final int MAX_LINE = 8192;

    private final SSLSocketFactory tls;
    private final Duration timeout;

    PinnedPost(SSLSocketFactory tls, Duration timeout) {
        this.tls = tls;
        this.timeout = timeout;
    }

    /** @throws SocketTimeoutException no connection or no answer within the timeout */
    int post(URI url, InetAddress address, Map<String, String> headers, byte[] body) throws IOException {
        int port = AllowedTargets.port(url);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            Socket s = plain;
            if ("https".equalsIgnoreCase(url.getScheme())) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(plain, AllowedTargets.host(url), port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                s = ssl;
            }
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            out.write(head(url, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return status(new BufferedInputStream(s.getInputStream()), deadline);
        }
    }

    private static String head(URI url, Map<String, String> headers, int length) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        StringBuilder h = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(url.getHost()).append(url.getPort() < 0 ? "" : ":" + url.getPort()).append("\r\n");
        headers.forEach((name, value) -> {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) throw new IllegalArgumentException("a line break in " + name);
            h.append(name).append(": ").append(value).append("\r\n");
        });
        return h.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n").toString();
    }

    /** The final status code; interim 1xx answers (100 Continue) are skipped. */
    private static int status(InputStream in, long deadline) throws IOException {
        while (true) {
            String line = line(in, deadline);
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                throw new IOException("not an HTTP answer: " + io.lipdrop.intake.Names.printable(line));
            }
            int code = Integer.parseInt(parts[1]);
            if (code >= 200) return code;
            while (!line(in, deadline).isEmpty()) { /* the interim answer's headers */ }
        }
    }

    private static String line(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("the connection closed before an answer");
            if (b.size() >= MAX_LINE) throw new IOException("an answer line longer than " + MAX_LINE + " bytes");
            if (System.nanoTime() > deadline) throw new SocketTimeoutException("no whole answer in time");
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
