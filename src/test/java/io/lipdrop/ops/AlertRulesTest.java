package io.lipdrop.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lipdrop.Settings;
import io.lipdrop.housekeeping.HousekeepingSettings;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ops/alerts/lipdrop-rules.yml: promtool accepts the rules and their unit tests pass, Prometheus's example
 * configuration loads them, every alert is tested both ways, every metric they query is one LipDrop really
 * exposes (a renamed metric breaks the build, not the alerting), and the Grafana dashboard shows each signal.
 */
class AlertRulesTest {
    static final Path OPS = Path.of(System.getProperty("lipdrop.app", "."), "ops");
    static final Path RULES = OPS.resolve("alerts/lipdrop-rules.yml");
    static final Path RULE_TESTS = OPS.resolve("alerts/lipdrop-rules.test.yml");
    private static final Pattern METRIC = Pattern.compile("\\blipdrop_[a-z0-9_]+");

    @TempDir Path tmp;

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        String out = promtool("check", "rules", RULES.toString());
        assertTrue(out.contains("SUCCESS: " + alerts().size() + " rules found"), out);
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() throws Exception {
        promtool("test", "rules", RULE_TESTS.toString());
    }

    @Test
    void theExamplePrometheusConfigurationLoadsTheRules() throws Exception {
        String out = promtool("check", "config", OPS.resolve("prometheus.yml").toString());
        assertTrue(out.contains("SUCCESS: 1 rule files found") && out.contains("lipdrop-rules.yml"), out);
        Map<String, Object> config = yaml(OPS.resolve("prometheus.yml"));
        assertEquals(List.of("alerts/lipdrop-rules.yml"), config.get("rule_files"));
        // the rules match job="lipdrop": the scrape job must carry that name
        assertTrue(list(config.get("scrape_configs")).stream().anyMatch(j -> "lipdrop".equals(map(j).get("job_name"))));
    }

    @Test
    void everyAlertHasSeverityASummaryADescriptionAndTestsWhereItFiresAndWhereItDoesNot() throws IOException {
        Map<String, Map<String, Object>> alerts = alerts();
        assertEquals(Set.of("LipDropDown", "LipDropNotScraped", "LipDropJobsFailing", "LipDropJobsQuarantined", "LipDropInboxStalled",
                "LipDropJobTimeRising", "LipDropDiskAboveHighMark", "LipDropUploadsPendingTooLong", "LipDropGpuMemoryNearFull"),
                alerts.keySet());
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Object test : list(yaml(RULE_TESTS).get("tests"))) {
            for (Object check : list(map(test).get("alert_rule_test"))) {
                String name = (String) map(check).get("alertname");
                assertTrue(alerts.containsKey(name), "the tests check " + name + ", which is no rule");
                List<Object> expected = list(map(check).get("exp_alerts"));
                (expected.isEmpty() ? quiet : fires).add(name);
                for (Object e : expected) {
                    Map<String, Object> annotations = map(map(e).get("exp_annotations"));
                    assertTrue(annotations.containsKey("summary") && annotations.containsKey("description"),
                            name + ": a firing case must check the summary and the description");
                }
            }
        }
        alerts.forEach((name, rule) -> {
            Map<String, Object> labels = map(rule.get("labels"));
            assertTrue(Set.of("critical", "warning").contains(labels.get("severity")), name + " has no severity");
            Map<String, Object> annotations = map(rule.get("annotations"));
            assertTrue(annotations.get("summary") instanceof String s && !s.isBlank(), name + " has no summary");
            // absent() has no value to name: what it saw is that there is no series
            boolean absence = ((String) rule.get("expr")).startsWith("absent(");
            assertTrue(annotations.get("description") instanceof String d && (absence || d.contains("{{ $value")),
                    name + ": the description must name the value it saw");
            assertTrue(fires.contains(name), name + " has no test where it fires");
            assertTrue(quiet.contains(name), name + " has no test where it stays quiet");
        });
    }

    @Test
    void everyMetricTheRulesQueryIsInLipDropsScrape() throws Exception {
        String scrape = serviceScrape();
        Set<String> queried = ruleMetrics();
        assertTrue(queried.size() >= 9, queried.toString());
        for (String metric : queried) {
            assertTrue(Pattern.compile("^" + metric + "[{ ]", Pattern.MULTILINE).matcher(scrape).find(),
                    "the alert rules query " + metric + ", which LipDrop does not expose:\n" + scrape);
        }
        // the new gauges keep the exposition valid, as the service's own scrape test demands
        ServiceOperationsTest.promtoolAccepts(scrape);
    }

    @Test
    void theDashboardShowsWhatEachAlertWatches() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(OPS.resolve("grafana-dashboard.json").toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) exprs.add(target.path("expr").asText());
        }
        String all = String.join("\n", exprs);
        for (String metric : ruleMetrics()) {
            // a histogram is shown by its buckets; its _count only gates the alert on enough jobs
            String family = metric.replaceAll("_(bucket|count|sum)$", "");
            assertTrue(all.contains(family), "no panel shows " + family);
        }
        assertTrue(all.contains("up{job=\"lipdrop\""), "no panel shows whether LipDrop is up");
        assertTrue(all.contains("ALERTS{alertname=~\"LipDrop.*\""), "no panel lists the firing alerts");
    }

    /** The lipdrop_* series the alert expressions query. */
    static Set<String> ruleMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> rule : alerts().values()) {
            Matcher m = METRIC.matcher((String) rule.get("expr"));
            while (m.find()) names.add(m.group());
        }
        return names;
    }

    /**
     * LipDrop's meters the way the service builds them (LipDropApplication, OpsConfiguration): a Prometheus
     * registry with the naming filter, LipDropMetrics, and ServiceGauges on a real home, job store and high mark,
     * with GPU gauges from an nvidia-smi stand-in, since this machine has no GPU.
     */
    private String serviceScrape() throws IOException {
        Path home = tmp.resolve("home");
        Settings s = Settings.load(Map.of("LIPDROP_HOME", home.toString()), new Properties());
        Map<String, Path> folders = new LinkedHashMap<>();
        for (String f : List.of("inbox", "outbox", "archive", "work", "data", "logs")) folders.put(f, Files.createDirectories(s.folder(f)));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(new PrometheusConventions());
        LipDropMetrics metrics = new LipDropMetrics(prometheus);
        double highMark = HousekeepingSettings.from(s).highMark();
        try (H2JobStore store = new H2JobStore(s.folder("data"))) {
            new ServiceGauges().register(metrics, home, folders, s.folder("inbox"), store, () -> highMark, "mouth-library", "cpu");
            ServiceGauges.registerGpus(metrics, NvidiaSmiStandIn.in(tmp.resolve("gpu"), NvidiaSmiTest.TWO_GPUS).toString());
            String scrape = prometheus.scrape();
            assertTrue(scrape.contains("lipdrop_disk_high_mark_ratio " + highMark), scrape);
            assertTrue(scrape.contains("lipdrop_uploads_oldest_pending_seconds 0.0"), scrape);
            return scrape;
        }
    }

    static String promtool(String... args) throws Exception {
        boolean present = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
        if (!present && System.getenv("CI") != null) throw new AssertionError("CI must install promtool (Debian package prometheus)");
        Assumptions.assumeTrue(present, "promtool is not installed (apt-get install prometheus)");
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    private static Map<String, Map<String, Object>> alerts() throws IOException {
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Object group : list(yaml(RULES).get("groups"))) {
            for (Object rule : list(map(group).get("rules"))) {
                Map<String, Object> r = map(rule);
                assertFalse(alerts.containsKey((String) r.get("alert")), "two rules named " + r.get("alert"));
                alerts.put((String) r.get("alert"), r);
            }
        }
        return alerts;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return o == null ? Map.of() : (Map<String, Object>) o; }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) { return o == null ? List.of() : (List<Object>) o; }
}
