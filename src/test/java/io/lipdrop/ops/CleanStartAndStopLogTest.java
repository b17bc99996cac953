package io.lipdrop.ops;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clean start and a clean stop with the real bin/lipdrop on a new home: the log says what it did and nothing more,
 * so a WARN or an ERROR in it always means something a user should look at.
 */
class CleanStartAndStopLogTest {
    @TempDir Path tmp;

    @Test
    void aCleanStartAndStopLogNoWarningAndNoError() throws Exception {
        LipDropScript lipdrop = new LipDropScript(tmp.resolve("home"), FreePorts.next());
        LipDropScript.Result started = lipdrop.run("start");
        try {
            assertEquals(0, started.code(), started.out());
            // the node takes the cluster's leadership within seconds; Camel's master consumers then warned 6 s later
            // that their start task had run out of budget (see log4j2.xml): a running service past that point
            Thread.sleep(15_000);
            assertEquals(200, lipdrop.status("/observe/health"));
        } finally {
            LipDropScript.Result stopped = lipdrop.run("stop");
            assertEquals(0, stopped.code(), stopped.out());
        }
        String log = lipdrop.log();
        assertTrue(log.contains("LipDrop started in " + lipdrop.home()) && log.contains("LipDrop stopped"), log);
        List<String> noisy = log.lines().filter(l -> l.matches("\\[[^]]+] (WARN|ERROR) .*")).toList();
        assertEquals(List.of(), noisy, "a clean start and stop logged warnings or errors:\n" + log);
        // and nothing the log's layout would have hidden: every entry is one timestamped line
        assertTrue(log.lines().allMatch(l -> l.matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d] [A-Z]+ +.*")), log);
    }
}
