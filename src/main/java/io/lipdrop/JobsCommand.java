package io.lipdrop;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code lipdrop jobs [--status S]}: the jobs page's list on the command line, asked of the running service's
 * API (the address it wrote to data/health.url at start, the token from the settings or data/api.token), so it shows what every
 * node sharing the store shows and never opens the store beside the service.
 */
@Command(name = "jobs", description = "the jobs of the running service, as its jobs page lists them")
public final class JobsCommand implements Callable<Integer> {
    private final Settings settings;

    @Option(names = "--status", paramLabel = "S", description = "only the jobs in S: queued, running, done, failed, quarantined")
    String status;

    JobsCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        return run(settings, status, System.out, System.err);
    }

    public static int run(Settings s, String status, PrintStream out, PrintStream err) {
        Path urlFile = s.folder("data").resolve("health.url");
        String health;
        try {
            health = Files.isRegularFile(urlFile) ? Files.readString(urlFile).strip() : "";
        } catch (IOException e) {
            health = "";
        }
        if (health.isEmpty()) {
            err.println("lipdrop is not running on " + s.home() + " (no " + urlFile + "): start it with bin/lipdrop start");
            return 3;
        }
        // a service listening on every address is reached on this machine through loopback
        String base = health.replace("/observe/health", "").replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://[::1]:");
        String url = base + "/api/jobs?format=text" + (status == null ? "" : "&status=" + URLEncoder.encode(status, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        // the service's local token when none is configured: GET needs none on loopback, but it does no harm
        String token = s.get("lipdrop.api.token");
        if (token.isEmpty()) token = java.util.Objects.requireNonNullElse(io.lipdrop.web.ApiTokens.local(s.folder("data")), "");
        if (!token.isEmpty()) request.header("Authorization", "Bearer " + token);
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("lipdrop is not running on " + s.home() + ": nothing answers at " + base + " (start it with bin/lipdrop start)");
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
        if (r.statusCode() == 200) {
            out.print(r.body());
            return 0;
        }
        err.println("lipdrop jobs: " + r.statusCode() + " " + r.body().replaceAll("\\s+", " ").strip());
        return r.statusCode() == 401 ? 4 : 1;
    }
}
