package io.lipdrop.models;

import io.lipdrop.lipsync.ModelRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Downloads one file with the JDK's HttpClient, streamed to disk (never held in memory), following redirects except
 * from https to http, and prints its progress on stderr every 10% (every 16 MiB when the server gives no length).
 */
final class HttpDownload {
    private static final long UNKNOWN_LENGTH_STEP = 16L << 20;

    private final URI uri;
    private final String shown;
    private final PrintStream progress;

    HttpDownload(URI uri, String shown, PrintStream progress) {
        this.uri = uri;
        this.shown = shown;
        this.progress = progress;
    }

    /** Writes the body to {@code target} and returns its SHA-256. */
    String to(Path target) throws IOException, ModelRefusedException {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .timeout(Duration.ofSeconds(60)) // until the response headers arrive; the body may take as long as it takes
                .header("User-Agent", "lipdrop-model-add")
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.net.ConnectException e) {
            throw new ModelRefusedException("cannot connect to " + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + " to download " + shown + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""));
        } catch (java.net.http.HttpTimeoutException e) {
            throw new ModelRefusedException("no answer from " + uri.getHost() + " within 60 s for " + shown);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new ModelRefusedException("download of " + shown + " failed: the server answered HTTP " + response.statusCode());
            }
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            if (length.isPresent()) {
                long free = Files.getFileStore(target.getParent()).getUsableSpace();
                if (length.getAsLong() > free) {
                    throw new ModelRefusedException("the model is " + ByteSize.format(length.getAsLong()) + " but only " + ByteSize.format(free)
                            + " is free in " + target.getParent());
                }
            }
            long expected = length.orElse(-1);
            long[] received = {0};
            String sha;
            try {
                sha = HashingCopy.copy(body, target, reporter(expected, received));
            } catch (HashingCopy.ReadFailed e) {
                throw new ModelRefusedException("the download of " + shown + " broke off after " + ByteSize.format(received[0])
                        + (expected >= 0 ? " of " + ByteSize.format(expected) : "") + ": " + e.getMessage());
            }
            if (expected >= 0 && received[0] != expected) {
                throw new ModelRefusedException("the download of " + shown + " was cut short: " + received[0] + " of " + expected + " bytes");
            }
            if (expected < 0) progress.printf("downloaded %s%n", ByteSize.format(received[0]));
            return sha;
        }
    }

    private LongConsumer reporter(long expected, long[] received) {
        long[] next = {expected > 0 ? 10 : UNKNOWN_LENGTH_STEP};
        return done -> {
            received[0] = done;
            if (expected > 0) {
                long percent = done * 100 / expected;
                if (percent >= next[0]) {
                    progress.printf("downloading: %d%% (%s of %s)%n", percent, ByteSize.format(done), ByteSize.format(expected));
                    next[0] = (percent / 10 + 1) * 10;
                }
            } else if (done >= next[0]) {
                progress.printf("downloading: %s%n", ByteSize.format(done));
                next[0] = (done / UNKNOWN_LENGTH_STEP + 1) * UNKNOWN_LENGTH_STEP;
            }
        };
    }
}
