package io.lipdrop.housekeeping;

import io.lipdrop.Settings;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** routes/housekeeping.yaml in Camel: the camel-quartz cron trigger fires the pass. */
class HousekeepingRouteTest {
    @TempDir Path home;

    @Test
    void theCronRouteRunsThePass() throws Exception {
        Properties p = new Properties();
        p.setProperty("lipdrop.home", home.toString());
        p.setProperty("lipdrop.housekeeping.cron", "0/1 * * * * ?");
        Settings s = Settings.load(Map.<String, String>of(), p);
        Path old = home.resolve("archive/2026-01-01/a.wav");
        Files.createDirectories(old.getParent());
        Files.writeString(old, "old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        try (H2JobStore store = new H2JobStore(s.folder("data"))) {
            HousekeepingSettings hs = HousekeepingSettings.from(s);
            Housekeeper h = new Housekeeper(s.folder("outbox"), s.folder("archive"), s.folder("work"),
                    store, false, key -> false, hs, LipDropMetrics.none(), Clock.systemDefaultZone());
            Main main = new Main();
            main.setOverrideProperties(s.asProperties());
            main.configure().withRoutesIncludePattern("file:" + Path.of(System.getProperty("lipdrop.app", ".")).resolve("routes/housekeeping.yaml"));
            main.bind("housekeeper", h);
            main.bind("diskWatermark", new DiskWatermark(() -> 0.1, hs, h::runScheduled));
            // the shared pass is a master route: it runs on the node that leads the cluster
            main.configure().addConfiguration(new io.lipdrop.ops.ClusterConfiguration("test", store, s.getInt("lipdrop.cluster.lease-seconds")));
            main.start();
            try {
                // leadership first: the lease in the store is taken at once, then the route waits for its next cron second
                for (int i = 0; i < 300 && Files.exists(old); i++) Thread.sleep(100);
            } finally {
                main.stop();
            }
        }
        assertTrue(!Files.exists(old), "the cron route purged the 40-day-old archive file");
    }
}
