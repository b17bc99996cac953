package io.lipdrop.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Real HTTP to a running LipDrop's API: JSON requests, multipart uploads streamed from files, raw request lines. */
final class ApiClient {
    record Response(int status, String body) {}

    /** A form part: a file (name as the browser would send it) or a text field. */
    record Part(String field, String fileName, Path file, String text) {
        static Part file(String field, Path file) { return new Part(field, file.getFileName().toString(), file, null); }
        static Part file(String field, String fileName, Path file) { return new Part(field, fileName, file, null); }
        static Part text(String field, String text) { return new Part(field, null, null, text); }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final int port;
    private String token;

    ApiClient(int port) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
    }

    ApiClient token(String token) {
        this.token = token;
        return this;
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response upload(List<Part> parts) throws IOException, InterruptedException {
        String boundary = "----lipdrop" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> body = new ArrayList<>();
        for (Part p : parts) {
            StringBuilder h = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.field() + "\"");
            if (p.file() != null) h.append("; filename=\"").append(p.fileName().replace("\"", "%22")).append("\"\r\nContent-Type: application/octet-stream");
            h.append("\r\n\r\n");
            body.add(HttpRequest.BodyPublishers.ofString(h.toString(), StandardCharsets.UTF_8));
            body.add(p.file() != null ? HttpRequest.BodyPublishers.ofFile(p.file()) : HttpRequest.BodyPublishers.ofString(p.text()));
            body.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        body.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return send(HttpRequest.newBuilder(URI.create(base + "/api/uploads")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(body.toArray(HttpRequest.BodyPublisher[]::new))));
    }

    private Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    /** A request line sent exactly as written (no client normalises "../" away), for traversal attempts. */
    Response raw(String path) throws IOException {
        return raw(path, "127.0.0.1:" + port);
    }

    /** The same with the Host header a browser would send for another name that leads here. */
    Response raw(String path, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + auth + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(all.substring(9, 12));
            int bodyAt = all.indexOf("\r\n\r\n");
            return new Response(status, bodyAt < 0 ? "" : all.substring(bodyAt + 4));
        }
    }

    /** What came back for {@link #exchange}: the status, the head (status line and headers) and the body. */
    record Exchange(int status, String head, String body) {}

    /** Any request sent exactly as written, with the headers given (none added but Host, Content-Length and Connection). */
    Exchange exchange(String method, String path, String host, java.util.Map<String, String> headers, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) req.append("Content-Length: ").append(content.length).append("\r\n");
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int bodyAt = all.indexOf("\r\n\r\n");
            return new Exchange(Integer.parseInt(all.substring(9, 12)), bodyAt < 0 ? all : all.substring(0, bodyAt),
                    bodyAt < 0 ? "" : all.substring(bodyAt + 4));
        }
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
