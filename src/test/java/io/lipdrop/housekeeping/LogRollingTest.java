package io.lipdrop.housekeeping;

import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.TimeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.TriggeringPolicy;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log4j rolls, gzips and expires LipDrop's log itself, with LipDrop's settings: the real log4j2.xml in a Log4j context
 * of its own, writing into a temporary LIPDROP_HOME, and a rollover forced as midnight or 50 MB would force it.
 */
class LogRollingTest {
    @TempDir Path home;

    @Test
    void theRolledLogIsGzippedAndRolledLogsPastTheRetentionAreDeleted() throws Exception {
        // the retention as a user sets it, in LIPDROP_HOME/config/application.properties (default 30 days)
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/application.properties"), "lipdrop.housekeeping.log-retention-days=5\n");
        Path logs = Files.createDirectories(home.resolve("logs"));
        Path expired = aged(logs.resolve("lipdrop-2026-10-01-1.log.gz"), 6);
        Path expiredPlain = aged(logs.resolve("lipdrop-2026-10-01-2.log"), 6); // rolled by an older LipDrop, never gzipped
        Path young = aged(logs.resolve("lipdrop-2026-10-03-1.log.gz"), 4);
        Path console = aged(logs.resolve("console.out"), 40); // bin/lipdrop start's, not Log4j's
        Path foreign = aged(logs.resolve("gc.log"), 40);
        Set<Path> before = Set.of(expired, expiredPlain, young, console, foreign);

        Path rolled = withLog4j(Set.of(), config -> {
            RollingFileAppender file = config.getAppender("file");
            assertTrue(file.getFilePattern().endsWith("/logs/lipdrop-%d{yyyy-MM-dd}-%i.log.gz"), file.getFilePattern());
            assertEquals(1, timePolicy(file).getInterval(), "a file a day by default");
            Logger log = config.getLoggerContext().getLogger("io.lipdrop.test");
            log.info("before the roll");
            file.getManager().rollover(); // what midnight or 50 MB does
            log.info("after the roll");
            // Log4j gzips and deletes on a thread of its own after the roll
            return await(() -> {
                List<Path> gz = list(logs).stream().filter(p -> p.getFileName().toString().endsWith(".log.gz") && !before.contains(p)).toList();
                return gz.size() == 1 && !Files.exists(expired) ? gz.get(0) : null;
            });
        });
        assertTrue(rolled.getFileName().toString().matches("lipdrop-\\d{4}-\\d\\d-\\d\\d-1\\.log\\.gz"), rolled.toString());
        String rolledText = gunzip(rolled);
        assertTrue(rolledText.contains("INFO  before the roll") && !rolledText.contains("after the roll"), rolledText);
        String active = Files.readString(logs.resolve("lipdrop.log"));
        assertTrue(active.contains("INFO  after the roll") && !active.contains("before the roll"), active);
        assertFalse(list(logs).stream().anyMatch(p -> p.getFileName().toString().matches("lipdrop-.*\\.log") && !p.equals(expiredPlain)),
                "no plain rolled file left beside the .gz: " + list(logs));

        assertFalse(Files.exists(expired), "a rolled log older than the retention is deleted at the roll");
        assertFalse(Files.exists(expiredPlain), "so is an older version's plain rolled log");
        for (Path kept : List.of(young, console, foreign)) assertTrue(Files.exists(kept), "kept: " + kept);
    }

    @Test
    void aPeriodOfHoursRollsByTheHourAndAWrongValueStopsTheStart() throws Exception {
        withLog4j(Set.of("lipdrop.housekeeping.compress-logs-after-hours=6"), config -> {
            RollingFileAppender file = config.getAppender("file");
            assertTrue(file.getFilePattern().endsWith("/logs/lipdrop-%d{yyyy-MM-dd-HH}-%i.log.gz"), file.getFilePattern());
            assertEquals(6, timePolicy(file).getInterval());
            return null;
        });
        java.util.Properties p = io.lipdrop.Settings.defaults();
        p.setProperty("lipdrop.housekeeping.log-retention-days", "a month");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogRolling.from(p));
        assertEquals("setting lipdrop.housekeeping.log-retention-days must be a whole number of at least 1, not 'a month'", e.getMessage());
        assertEquals(LogRolling.from(io.lipdrop.Settings.defaults()), LogRollingLookup.load(java.util.Map.of(), p),
                "Log4j itself falls back to the defaults");
    }

    /** The real log4j2.xml in a context of its own (as LogLayoutTest does), with LIPDROP_HOME and -D settings set. */
    private <T> T withLog4j(Set<String> systemSettings, WithConfig<T> body) throws Exception {
        System.setProperty("lipdrop.home", home.toString());
        systemSettings.forEach(kv -> System.setProperty(kv.split("=")[0], kv.split("=")[1]));
        LoggerContext ctx = new LoggerContext("log-rolling-test");
        try {
            Configuration config = ConfigurationFactory.getInstance().getConfiguration(ctx, "log-rolling-test",
                    Path.of(System.getProperty("lipdrop.app", "."), "src/main/resources/log4j2.xml").toUri());
            ctx.start(config);
            return body.apply(ctx.getConfiguration());
        } finally {
            ctx.stop();
            System.clearProperty("lipdrop.home");
            systemSettings.forEach(kv -> System.clearProperty(kv.split("=")[0]));
        }
    }

    interface WithConfig<T> {
        T apply(Configuration config) throws Exception;
    }

    private static TimeBasedTriggeringPolicy timePolicy(RollingFileAppender file) {
        TriggeringPolicy policy = file.getTriggeringPolicy();
        return (TimeBasedTriggeringPolicy) Arrays.stream(((CompositeTriggeringPolicy) policy).getTriggeringPolicies())
                .filter(p -> p instanceof TimeBasedTriggeringPolicy).findFirst().orElseThrow();
    }

    private static Path aged(Path file, int days) throws IOException {
        Files.writeString(file, "an old line\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(days))));
        return file;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path await(java.util.function.Supplier<Path> done) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Path p = done.get();
            if (p != null) return p;
            Thread.sleep(50);
        }
        throw new AssertionError("Log4j did not finish the roll within 10 s");
    }

    private static String gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
