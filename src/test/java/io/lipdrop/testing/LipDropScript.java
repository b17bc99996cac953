package io.lipdrop.testing;

import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code bin/lipdrop}, as an operator runs it, on a LIPDROP_HOME of its own: the service's JVM gets the tests'
 * classpath (LIPDROP_CLASSPATH, so nothing is built), its health endpoint a free port, and the real logging set-up.
 */
public final class LipDropScript {
    public record Result(int code, String out) {}

    private final Path home;
    private final int port;

    public LipDropScript(Path home, int port) throws IOException {
        this.home = home;
        this.port = port;
        Files.createDirectories(home);
    }

    public Path home() { return home; }
    public Path pidFile() { return home.resolve("lipdrop.pid"); }
    public String base() { return "http://127.0.0.1:" + port; }

    /** {@code bin/lipdrop ARGS}, waited for (up to 240 s), stdout and stderr together. */
    public Result run(String... args) throws IOException, InterruptedException {
        Process p = builder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(240, TimeUnit.SECONDS)) throw new AssertionError("bin/lipdrop " + String.join(" ", args) + " did not end");
        return new Result(p.exitValue(), out);
    }

    /** {@code bin/lipdrop ARGS} left running (e.g. {@code run} in the foreground), its output appended to {@code output}. */
    public Process background(Path output, String... args) throws IOException {
        return builder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    }

    private ProcessBuilder builder(String... args) {
        Path app = Path.of(System.getProperty("lipdrop.app", "."));
        List<String> cmd = new ArrayList<>(List.of("bash", app.resolve("bin/lipdrop").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("LIPDROP_HOME", home.toString());
        env.put("LIPDROP_CLASSPATH", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        env.put("JAVA_OPTS", "-Xmx1g -Dcamel.management.port=" + port + " -Dlipdrop.intake.stable-millis=400 "
                + "-Dlipdrop.intake.poll-millis=200 -Dlog4j2.configurationFile=log4j2.xml");
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        return pb;
    }

    /** The HTTP status of GET {@code path} on the service, or -1 when nothing answers. */
    public int status(String path) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until /observe/health answers 200; fails at once when {@code service} ends first. */
    public void awaitHealthy(Process service, Path output, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (status("/observe/health") == 200) return;
            if (!service.isAlive()) throw new AssertionError("bin/lipdrop ended (" + service.exitValue() + "):\n" + read(output));
            Thread.sleep(250);
        }
        throw new AssertionError("no 200 from " + base() + "/observe/health after " + seconds + " s:\n" + read(output));
    }

    /** logs/lipdrop.log, or "" before it exists. */
    public String log() {
        return read(home.resolve("logs").resolve("lipdrop.log"));
    }

    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
