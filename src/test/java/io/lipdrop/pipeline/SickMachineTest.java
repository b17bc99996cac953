package io.lipdrop.pipeline;

import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full disk and a read-only outbox are the machine's faults, not the input's: the node pauses at once, says so
 * once in the log and in health, counts no attempt, quarantines nothing, and finishes the job by itself once the
 * fault is gone. Real file systems: a filled tmpfs, a read-only bind mount (skipped where mount is refused).
 */
class SickMachineTest {
    @TempDir Path tmp;

    @Test
    void aFullDiskPausesTheNodeAndItResumesByItselfWhenSpaceIsFreed() throws Exception {
        try (Mounts mounts = new Mounts()) {
            Path disk = mounts.tmpfs(tmp.resolve("disk"), 24);
            int port = FreePorts.next();
            // the folders LipDrop writes to are on the small disk; its log stays outside, so the test can read it (absolute
            // paths: Camel's placeholders take a -D setting as given, relative to the working directory)
            try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), onDisk(port, "lipdrop.inbox=" + disk.resolve("inbox"),
                    "lipdrop.outbox=" + disk.resolve("outbox"), "lipdrop.archive=" + disk.resolve("archive"),
                    "lipdrop.work=" + disk.resolve("work"), "lipdrop.data=" + disk.resolve("data"))).start()) {
                Path filler = fill(disk, 1_200_000); // room for the inputs (1.1 MB), not for the 0.2 MB video
                Fixtures.copy("face_astronaut.png", disk.resolve("inbox"), "anna.png");
                Fixtures.copy("speech_en_16k.wav", disk.resolve("inbox"), "anna.wav");

                lipdrop.waitForLog("node paused: the disk is full", 120);
                HttpResponse<String> down = health(port);
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("paused: the disk is full"), down.body());
                Thread.sleep(6000); // paused for a while: no storm, no attempt, nothing blamed
                assertEquals(1, lipdrop.count("node paused"), lipdrop.log());
                assertEquals(0, lipdrop.count("failed \\(attempt|ERROR bad input|quarantin"), lipdrop.log());
                assertFalse(Files.exists(disk.resolve("archive/failed")), "the good input is not quarantined");
                assertTrue(Files.exists(disk.resolve("inbox/anna.wav")), "the drop waits in the inbox");
                assertFalse(Files.exists(disk.resolve("data/jobs.trace.db")), "no trace file grows on the full disk");
                long logBytes = Files.size(tmp.resolve("home/logs/lipdrop.log"));

                Files.delete(filler);
                lipdrop.waitForLog("node resumed", 60);
                lipdrop.waitForLog("done anna", 180);
                assertTrue(Files.size(disk.resolve("outbox/anna.mp4")) > 0);
                String report = Files.readString(disk.resolve("outbox/anna.report.json"));
                assertTrue(report.contains("\"attempts\": 1"), "the paused tries were not attempts: " + report);
                assertEquals(200, health(port).statusCode());
                assertTrue(logBytes < 200_000, "the log stayed small while paused: " + logBytes + " bytes");
            }
        }
    }

    @Test
    void aReadOnlyOutboxPausesTheNodeWithoutBlamingTheInputAndItResumesWhenWritable() throws Exception {
        try (Mounts mounts = new Mounts()) {
            int port = FreePorts.next();
            try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), onDisk(port)).start()) {
                Path outbox = lipdrop.outbox();
                mounts.readOnly(outbox);
                Fixtures.copy("face_astronaut.png", lipdrop.inbox(), "ro1.png");
                Fixtures.copy("speech_en_16k.wav", lipdrop.inbox(), "ro1.wav");

                lipdrop.waitForLog("node paused: a folder LipDrop writes to is not writable", 120);
                HttpResponse<String> down = health(port);
                assertEquals(503, down.statusCode());
                assertTrue(down.body().contains("outbox") && down.body().contains("Read-only file system") && down.body().contains("paused"), down.body());
                Thread.sleep(3000);
                assertEquals(1, lipdrop.count("node paused"), lipdrop.log());
                assertEquals(0, lipdrop.count("failed \\(attempt|ERROR bad input"), lipdrop.log());
                assertFalse(Files.exists(lipdrop.archive().resolve("failed")), "ro1 is not blamed");

                mounts.unmount(outbox);
                lipdrop.waitForLog("node resumed", 60);
                lipdrop.waitForLog("done ro1", 180);
                String report = Files.readString(outbox.resolve("ro1.report.json"));
                assertTrue(report.contains("\"attempts\": 1"), report);
            }
        }
    }

    private static String[] onDisk(int port, String... more) {
        String[] base = {"camel.management.port=" + port, "lipdrop.node.probe-millis=500", "lipdrop.node.resume-after-millis=1000",
                "lipdrop.disk.min-free-mb=4", "lipdrop.disk.check-millis=3600000",
                "lipdrop.captions=off"}; // the machine's faults are tested: no speech recogniser beside each job
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** Fills the file system of {@code dir} with real (non-sparse) bytes until only {@code leave} bytes are free. */
    private static Path fill(Path dir, long leave) throws IOException {
        Path filler = dir.resolve("filler.bin");
        FileStore fs = Files.getFileStore(dir);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 7);
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (fs.getUsableSpace() > leave + chunk.length) out.write(chunk);
            out.flush();
        }
        return filler;
    }

    private static HttpResponse<String> health(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
