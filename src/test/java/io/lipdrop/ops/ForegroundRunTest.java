package io.lipdrop.ops;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropScript;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/lipdrop run} in one terminal, {@code status}, {@code jobs}, {@code demo} and {@code stop} in another: the
 * real script and a real service JVM, one set of commands whichever way the service was started.
 */
class ForegroundRunTest {
    @TempDir Path tmp;

    @Test
    void statusJobsDemoAndStopSeeTheServiceRunInTheForeground() throws Exception {
        LipDropScript lipdrop = new LipDropScript(tmp.resolve("home"), FreePorts.next());
        Path console = tmp.resolve("run.out");
        Process run = lipdrop.background(console, "run");
        try {
            lipdrop.awaitHealthy(run, console, 180);
            long pid = run.pid(); // bin/lipdrop execs the JVM: the script's process is the service's
            assertEquals(Long.toString(pid), Files.readString(lipdrop.pidFile()).trim(), "the PID file names the JVM");

            LipDropScript.Result status = lipdrop.run("status");
            assertEquals(0, status.code(), status.out());
            assertTrue(status.out().contains("lipdrop is running on " + lipdrop.home() + " (pid " + pid + "), health UP"), status.out());

            LipDropScript.Result second = lipdrop.run("run");
            assertEquals(1, second.code(), second.out());
            assertTrue(second.out().contains("lipdrop is already running on " + lipdrop.home() + " (pid " + pid + ")"), second.out());
            assertTrue(run.isAlive());

            LipDropScript.Result jobs = lipdrop.run("jobs");
            assertEquals(0, jobs.code(), jobs.out());

            // the first drop a new user makes, with nothing of their own: the shipped example into the running service
            LipDropScript.Result demo = lipdrop.run("demo");
            assertEquals(0, demo.code(), demo.out() + "\n" + lipdrop.log());
            Path video = lipdrop.home().resolve("outbox").resolve("welcome.mp4");
            assertTrue(demo.out().contains("done in ") && demo.out().contains(video.toString()), demo.out());
            assertTrue(demo.out().contains("the jobs page: " + lipdrop.base() + "/"), demo.out());
            TestMedia.Probe made = TestMedia.probe(video);
            assertEquals(512, made.width());
            assertEquals(12.2, made.audioSeconds(), 0.3, "the example's speech, whole");
            String captions = Files.readString(lipdrop.home().resolve("outbox").resolve("welcome.srt")).toLowerCase();
            assertTrue(captions.contains("welcome") && captions.contains("presenter"), "captions of the example's words: " + captions);
            assertTrue(run.isAlive(), "the demo used the running service");

            LipDropScript.Result stop = lipdrop.run("stop");
            assertEquals(0, stop.code(), stop.out());
            assertTrue(stop.out().contains("lipdrop stopped (pid " + pid + ")"), stop.out());
            assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the foreground run ended");
        } finally {
            stopRegardless(run);
        }
        assertFalse(Files.exists(lipdrop.pidFile()), "the PID file is gone");
        assertTrue(lipdrop.log().contains("LipDrop stopped"), "a graceful stop:\n" + lipdrop.log());
        LipDropScript.Result after = lipdrop.run("status");
        assertEquals(3, after.code(), after.out());
        assertEquals("lipdrop is stopped", after.out().trim());
    }

    /** Ctrl-C in the terminal: SIGINT, a graceful stop as with SIGTERM, and the PID file removed by the JVM itself. */
    @Test
    void ctrlCStopsTheForegroundRunGracefullyAndRemovesThePidFile() throws Exception {
        LipDropScript lipdrop = new LipDropScript(tmp.resolve("home"), FreePorts.next());
        Path console = tmp.resolve("run.out");
        Process run = lipdrop.background(console, "run");
        try {
            lipdrop.awaitHealthy(run, console, 180);
            // a shell starts background commands with SIGINT ignored, and a JVM that inherits that ignores Ctrl-C
            // (a terminal's foreground job never does): only meaningful where this test's own JVM got it unignored
            Assumptions.assumeFalse(ignoresSigint(run.pid()), "the service inherited SIGINT ignored from the test's launcher");
            assertTrue(Files.exists(lipdrop.pidFile()));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).inheritIO().start().waitFor());
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "Ctrl-C stopped it");
        } finally {
            stopRegardless(run);
        }
        assertFalse(Files.exists(lipdrop.pidFile()), "the PID file is gone");
        assertTrue(lipdrop.log().contains("LipDrop stopped"), "a graceful stop:\n" + lipdrop.log());
        assertEquals(3, lipdrop.run("status").code());
    }

    /** Whether the process ignores SIGINT (bit 2 of SigIgn in /proc/PID/status). */
    private static boolean ignoresSigint(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0b10) != 0;
        }
        return false;
    }

    private static void stopRegardless(Process run) throws InterruptedException {
        if (run.isAlive()) {
            run.destroy();
            if (!run.waitFor(60, TimeUnit.SECONDS)) run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
