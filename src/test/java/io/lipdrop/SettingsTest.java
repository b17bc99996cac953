package io.lipdrop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    @TempDir Path home;

    @Test
    void environmentOverridesTheHomeFileWhichOverridesTheDefaultsAndSystemPropertiesWin() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/application.properties"), "lipdrop.jobs.max-attempts=5\nlipdrop.outbox=done\n");
        Properties sys = new Properties();
        sys.setProperty("lipdrop.engine.batch-size", "4");
        Settings s = Settings.load(Map.of("LIPDROP_HOME", home.toString(), "LIPDROP_INTAKE_STABLE_MILLIS", "250",
                "LIPDROP_ENGINE_BATCH_SIZE", "8"), sys);
        assertEquals(home.toRealPath(), s.home().toRealPath());
        assertEquals(5, s.getInt("lipdrop.jobs.max-attempts"));
        assertEquals(250, s.getLong("lipdrop.intake.stable-millis"));
        assertEquals(4, s.engine().batchSize());
        assertEquals(s.home().resolve("done"), s.folder("outbox"));
        assertEquals(s.home().resolve("inbox").toString(), s.asProperties().getProperty("lipdrop.inbox"));
        assertEquals(10, s.engine().padBottom());
    }

    @Test
    void openCvTakesOneThreadWhereTheEncoderFillsFewCores() {
        assertEquals(1, Settings.openCvThreads("auto", 1, 2), "one worker on 2 cores");
        assertEquals(1, Settings.openCvThreads("auto", 1, 4));
        assertEquals(0, Settings.openCvThreads("auto", 1, 16), "a lone job on 16 cores: OpenCV's own pool");
        assertEquals(1, Settings.openCvThreads("auto", 4, 16), "four workers on 16 cores");
        assertEquals(3, Settings.openCvThreads("3", 1, 2), "a number is kept");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.openCvThreads("all", 1, 2));
        assertTrue(e.getMessage().contains("lipdrop.engine.opencv-threads"), e.getMessage());
    }

    @Test
    void codecThreadsShareTheCoresBetweenWorkers() {
        assertEquals(0, Settings.codecThreads("auto", 1, 2), "one worker: the codec's own count");
        assertEquals(1, Settings.codecThreads("auto", 2, 2));
        assertEquals(1, Settings.codecThreads("auto", 4, 2), "never below one");
        assertEquals(4, Settings.codecThreads("auto", 4, 16));
        assertEquals(3, Settings.codecThreads("3", 2, 2), "a number is kept");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.codecThreads("many", 1, 2));
        assertTrue(e.getMessage().contains("lipdrop.engine.codec-threads"), e.getMessage());
        Settings s = Settings.load(Map.of("LIPDROP_HOME", home.toString(), "LIPDROP_JOBS_WORKERS", "2"), new Properties());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), s.engine().codecThreads());
        assertEquals(0, s.engineForOneJob().codecThreads(), "a job on its own (sync) has every core");
    }
}
