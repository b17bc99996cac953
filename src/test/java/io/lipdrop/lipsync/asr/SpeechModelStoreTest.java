package io.lipdrop.lipsync.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speech model's store on the real model the build fetched: a verified folder is used offline with nothing
 * fetched; a damaged one is never used, and where the repository cannot be reached the result says why and what to do
 * (LipDrop then runs without captions). A local Maven repository with a file of another SHA-256 is not taken either.
 */
class SpeechModelStoreTest {
    @TempDir Path tmp;

    private static final Path BUILT = Path.of(System.getProperty("lipdrop.app", ".")).resolve("models/asr/en");

    @Test
    void aVerifiedFolderIsUsedOfflineAndADamagedOneNever() throws Exception {
        MavenRepository nowhere = new MavenRepository(URI.create("http://127.0.0.1:1/maven2/"), tmp.resolve("m2"));
        List<String> said = new ArrayList<>();
        SpeechModel built = new SpeechModelStore(nowhere, BUILT).onProgress(said::add).ensure(true);
        assertTrue(built.available(), "the build fetched it: " + built);
        assertEquals(List.of(), said, "nothing fetched, nothing said: it works offline");

        Path copy = copyOfBuilt(tmp.resolve("home/models/asr/en"));
        Files.writeString(copy.resolve("conf/model.conf"), "--beam=1.0\n", java.nio.file.StandardOpenOption.APPEND);
        // a local repository holding something else under the model's coordinates is not taken either
        Path fake = nowhere.localFile(SpeechModelStore.MODEL);
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "not the model");

        SpeechModel damaged = new SpeechModelStore(nowhere, copy).ensure(true);
        assertFalse(damaged.available());
        assertTrue(damaged.problem().contains(copy + " is not the pinned model") && damaged.problem().contains("cannot fetch http://127.0.0.1:1/"),
                damaged.problem());
        assertTrue(damaged.fix().contains("lipdrop.maven.repository") && damaged.fix().contains("assets/model-en-us/"), damaged.fix());
        assertTrue(damaged.warning().startsWith("speech model unavailable (") && damaged.warning().contains("without captions"));
        try (var left = Files.list(copy.getParent())) {
            assertEquals(List.of("en"), left.map(p -> p.getFileName().toString()).toList(), "no partial folder is left behind");
        }
    }

    /**
     * A folder that verified is not hashed again while its files keep their sizes and times (the stamp beside it says
     * so); a file that changes either is noticed and the folder refused. The byte flipped with size and time kept is the
     * case the stamp knowingly lets through: it shows the hashing was skipped.
     */
    @Test
    void aVerifiedFolderIsNotHashedAgainUntilAFileChanges() throws Exception {
        MavenRepository nowhere = new MavenRepository(URI.create("http://127.0.0.1:1/maven2/"), tmp.resolve("m2"));
        Path copy = copyOfBuilt(tmp.resolve("models/asr/en"));
        assertTrue(new SpeechModelStore(nowhere, copy).ensure(false).available());
        Path stamp = copy.resolveSibling(".en.verified");
        assertTrue(Files.readString(stamp).startsWith("tree " + ModelArchive.VOSK_EN.treeSha256() + "\n"), Files.readString(stamp));

        Path conf = copy.resolve("conf/model.conf");
        var time = Files.getLastModifiedTime(conf);
        byte[] bytes = Files.readAllBytes(conf);
        bytes[0] ^= 1;
        Files.write(conf, bytes);
        Files.setLastModifiedTime(conf, time);
        assertTrue(new SpeechModelStore(nowhere, copy).ensure(false).available(), "same sizes and times: the stamp vouches");

        Files.setLastModifiedTime(conf, java.nio.file.attribute.FileTime.fromMillis(time.toMillis() + 2000));
        SpeechModel changed = new SpeechModelStore(nowhere, copy).ensure(false);
        assertFalse(changed.available(), "a file's time moved: hashed again and refused");
        assertTrue(changed.problem().contains(copy + " is not the pinned model"), changed.problem());
    }

    /** The build's model folder copied to {@code copy} (files get new times). */
    private static Path copyOfBuilt(Path copy) throws java.io.IOException {
        try (var files = Files.walk(BUILT)) {
            for (Path f : files.toList()) {
                Path to = copy.resolve(BUILT.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        return copy;
    }
}
