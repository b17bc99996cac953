package io.lipdrop.ops;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.LipDropScript;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/lipdrop as an operator uses it, then the metrics and health it serves. */
class ServiceOperationsTest {
    @TempDir Path tmp;
    Path home;
    LipDropScript script;

    LipDropScript.Result lipdrop(String... args) throws IOException, InterruptedException {
        return script.run(args);
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startStatusStopWithAPidFileAndARealScrapeAfterAJob() throws Exception {
        home = tmp.resolve("home");
        script = new LipDropScript(home, FreePorts.next());
        String base = script.base();

        LipDropScript.Result started = lipdrop("start");
        assertEquals(0, started.code(), started.out());
        assertTrue(started.out().contains("lipdrop started on " + home) && started.out().contains(base + "/observe/health (UP)"), started.out());
        long pid = Long.parseLong(Files.readString(home.resolve("lipdrop.pid")).trim());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        try {
            LipDropScript.Result second = lipdrop("start");
            assertEquals(1, second.code(), second.out());
            assertTrue(second.out().contains("already running"), second.out());
            LipDropScript.Result status = lipdrop("status");
            assertEquals(0, status.code());
            assertTrue(status.out().contains("running") && status.out().contains("health UP"), status.out());

            // a real job, then a real scrape
            Fixtures.copy("speech_en_16k.wav", home.resolve("inbox"), "talk.wav");
            Fixtures.copy("face_astronaut.png", home.resolve("inbox"), "talk.png");
            LipDropProcess logReader = new LipDropProcess(home);
            logReader.waitForLog("done talk.png", 120);
            String scrape = get(base + "/observe/metrics").body();
            assertEquals(1.0, value(scrape, "lipdrop_jobs_total{outcome=\"done\"}"));
            assertEquals(250.0, value(scrape, "lipdrop_frames_total"));
            assertEquals(0.0, value(scrape, "lipdrop_frames_without_face_total"));
            assertEquals(1.0, value(scrape, "lipdrop_stage_seconds_count{stage=\"inference\"}"));
            assertTrue(value(scrape, "lipdrop_job_duration_seconds_sum") > 0);
            assertTrue(value(scrape, "lipdrop_frames_per_second") > 1);
            assertTrue(value(scrape, "lipdrop_disk_used_bytes{folder=\"outbox\"}") > 10_000);
            assertTrue(scrape.contains("lipdrop_info{model=\"mouth-library\",provider=\"cpu\"} 1"), scrape);
            assertTrue(scrape.contains("lipdrop_stage_seconds_bucket{stage=\"encode\",le=\"1.0\"}"), "histogram buckets");
            assertTrue(scrape.contains("camel_exchanges_total{"), "Camel's route meters in the same scrape");
            Files.writeString(Path.of("target", "scrape-after-job.txt"), scrape);
            promtoolAccepts(scrape);
            dashboardQueriesOnlyScrapedMetrics(scrape);
            for (String metric : AlertRulesTest.ruleMetrics()) assertScraped(scrape, metric, "the alert rules query");

            // health goes DOWN, with the reason, when a folder cannot be written
            // the job's video, report and captions go, then the folder
            try (var done = Files.list(home.resolve("outbox"))) {
                for (Path p : done.toList()) Files.delete(p);
            }
            Files.delete(home.resolve("outbox"));
            Files.writeString(home.resolve("outbox"), "not a folder");
            HttpResponse<String> health = get(base + "/observe/health");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("outbox is not writable"), health.body());
            Files.delete(home.resolve("outbox"));
            Files.createDirectories(home.resolve("outbox"));
            assertEquals(200, get(base + "/observe/health").statusCode());
        } finally {
            LipDropScript.Result stopped = lipdrop("stop");
            assertEquals(0, stopped.code(), stopped.out());
        }
        assertFalse(Files.exists(home.resolve("lipdrop.pid")));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(3, lipdrop("status").code());
        String log = Files.readString(home.resolve("logs/lipdrop.log"));
        assertTrue(log.contains("LipDrop stopped"), "graceful stop reached the log:\n" + tail(log) + "\nconsole:\n"
                + tail(Files.readString(home.resolve("logs/console.out"))));

        // a PID file left by a crash (its process is gone) does not block the next start
        Files.writeString(home.resolve("lipdrop.pid"), "999999\n");
        LipDropScript.Result stale = lipdrop("status");
        assertEquals(3, stale.code());
        assertTrue(stale.out().contains("stale PID file"), stale.out());
        LipDropScript.Result restarted = lipdrop("start");
        assertEquals(0, restarted.code(), restarted.out());
        assertTrue(restarted.out().contains("removing stale PID file"), restarted.out());
        assertEquals(0, lipdrop("stop").code());
    }

    static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 12), lines.length));
    }

    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), "no " + series + " in the scrape");
        return Double.parseDouble(m.group(1));
    }

    static void promtoolAccepts(String scrape) throws Exception {
        boolean present = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
        if (!present && System.getenv("CI") != null) throw new AssertionError("CI must install promtool (Debian package prometheus)");
        Assumptions.assumeTrue(present, "promtool is not installed (apt-get install prometheus)");
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(scrape.getBytes());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "promtool check metrics:\n" + out);
    }

    /** Every lipdrop_* metric the Grafana dashboard queries is in a real scrape. */
    static void dashboardQueriesOnlyScrapedMetrics(String scrape) throws IOException {
        String dashboard = Files.readString(Path.of(System.getProperty("lipdrop.app", "."), "ops/grafana-dashboard.json"));
        Set<String> queried = new TreeSet<>();
        Matcher m = Pattern.compile("lipdrop_[a-z_]+").matcher(dashboard);
        while (m.find()) queried.add(m.group());
        assertTrue(queried.size() >= 10, queried.toString());
        for (String metric : queried) assertScraped(scrape, metric, "the dashboard queries");
    }

    /** GPU gauges exist only where nvidia-smi runs (AlertRulesTest checks them with a stand-in). */
    static void assertScraped(String scrape, String metric, String who) {
        if (metric.startsWith("lipdrop_gpu_") && NvidiaSmi.onPath(System.getenv("PATH")).isEmpty()) return;
        assertTrue(Pattern.compile("^" + metric + "[{ ]", Pattern.MULTILINE).matcher(scrape).find(),
                who + " " + metric + ", which the scrape lacks");
    }
}
