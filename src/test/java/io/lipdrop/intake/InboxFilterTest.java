package io.lipdrop.intake;

import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboxFilterTest {
    @TempDir Path inbox;

    static GenericFile<File> file(Path p) {
        GenericFile<File> g = new GenericFile<>();
        g.setFile(p.toFile());
        g.setDirectory(Files.isDirectory(p));
        return g;
    }

    /** Polls the filter until it says yes, or gives up: stability needs two looks 50 ms apart. */
    static boolean acceptedWithin(InboxFilter f, Path p, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (f.accept(file(p))) return true;
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void aSingleJobStartsFromItsAudioOnceBothFilesAreStable() throws Exception {
        InboxFilter f = new InboxFilter(inbox, 50, 60_000);
        Path audio = Files.writeString(inbox.resolve("anna.wav"), "a");
        assertFalse(acceptedWithin(f, audio, 300), "waits for its partner");
        Path video = Files.writeString(inbox.resolve("anna.mp4"), "v");
        assertTrue(acceptedWithin(f, audio, 1000));
        assertFalse(acceptedWithin(f, video, 300), "the video is not a trigger of its own");
    }

    @Test
    void aSingleJobsSettingsFileWaitsLikeItsInputsAndNeverStartsWorkItself() throws Exception {
        InboxFilter f = new InboxFilter(inbox, 200, 100);
        Path audio = Files.writeString(inbox.resolve("anna.wav"), "a");
        Files.writeString(inbox.resolve("anna.mp4"), "v");
        Path yaml = inbox.resolve("anna.lipdrop.yaml");
        long end = System.currentTimeMillis() + 800;
        for (int i = 0; System.currentTimeMillis() < end; i++) {
            Files.writeString(yaml, "face: left\n# " + "x".repeat(i)); // still being written
            assertFalse(f.accept(file(audio)), "the job waits while its settings file changes");
            Thread.sleep(40);
        }
        assertTrue(acceptedWithin(f, audio, 1500), "taken once the settings file is stable too");
        assertFalse(acceptedWithin(f, yaml, 300), "a settings file is no trigger (nor quarantined as an unknown type)");

        try (io.lipdrop.testing.CapturedLog log = new io.lipdrop.testing.CapturedLog()) {
            Path lone = Files.writeString(inbox.resolve("solo.lipdrop.yaml"), "face: left\n");
            assertFalse(acceptedWithin(f, lone, 500));
            assertEquals(1, log.count("solo.lipdrop.yaml waits for its job: it applies to solo.wav"), "said once");
        }
    }

    @Test
    void aFileStillBeingWrittenIsNotTaken() throws Exception {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() + 1000);
        Stability s = new Stability(100, clock::get);
        Path p = Files.writeString(inbox.resolve("growing.wav"), "x");
        assertFalse(s.isStable(p));
        clock.addAndGet(150);
        Files.writeString(p, "xx"); // grew
        assertFalse(s.isStable(p));
        clock.addAndGet(50);
        assertFalse(s.isStable(p), "unchanged for only 50 ms");
        clock.addAndGet(60);
        assertTrue(s.isStable(p));
        Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 5000)); // touched, same size
        assertFalse(s.isStable(p));
    }

    @Test
    void uploadTemporariesAndHiddenFilesAreIgnored() throws Exception {
        InboxFilter f = new InboxFilter(inbox, 0, 60_000);
        for (String n : new String[] {"a.wav.part", ".b.wav", "c.mp4.crdownload", "d.tmp"}) {
            Path p = Files.writeString(inbox.resolve(n), "x");
            assertFalse(acceptedWithin(f, p, 100), n);
        }
    }

    @Test
    void unsupportedOrEmptyFilesAreTakenSoTheyCanBeQuarantined() throws Exception {
        InboxFilter f = new InboxFilter(inbox, 0, 60_000);
        assertTrue(acceptedWithin(f, Files.writeString(inbox.resolve("notes.docx"), "x"), 500));
        assertTrue(acceptedWithin(f, Files.write(inbox.resolve("empty.wav"), new byte[0]), 500));
    }

    @Test
    void aBatchFolderIsTriggeredOnceByItsFirstFile() throws Exception {
        InboxFilter f = new InboxFilter(inbox, 50, 60_000);
        Path job = Files.createDirectories(inbox.resolve("promo"));
        Path a = Files.writeString(job.resolve("anna.mp4"), "v");
        Path s = Files.writeString(job.resolve("script.wav"), "a");
        assertTrue(f.accept(file(job)), "the scan enters batch folders");
        assertTrue(acceptedWithin(f, a, 1000));
        assertFalse(acceptedWithin(f, s, 200));
        Path deeper = Files.createDirectories(job.resolve("nested"));
        assertFalse(f.accept(file(deeper)), "only one level of folders");
    }

    @Test
    void plannerReadsAPartnerByNameWhateverTheScript() throws Exception {
        Path audio = Files.writeString(inbox.resolve("产品介绍 v1.wav"), "a");
        Files.writeString(inbox.resolve("产品介绍 v1.PNG"), "p");
        assertEquals("产品介绍 v1.PNG", DropPlanner.partnerOf(audio).orElseThrow().getFileName().toString());
    }
}
