package io.lipdrop.intake;

import io.lipdrop.files.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A result published under a second name: a hard link on one file system, a copy across two, never a leftover. */
class SafeMovesTest {
    @TempDir Path dir;

    @Test
    void aSecondNameIsAHardLinkAndPublishingItAgainChangesNothing() throws Exception {
        Path original = Files.write(dir.resolve("anna.mp4"), new byte[] {1, 2, 3});
        Path second = dir.resolve("promo/anna.mp4");
        assertTrue(SafeMoves.publishLink(original, second));
        assertEquals(Files.getAttribute(original, "unix:ino"), Files.getAttribute(second, "unix:ino"));
        assertEquals(2, Files.getAttribute(original, "unix:nlink"));
        assertTrue(SafeMoves.publishLink(original, second), "again (a re-run after a crash): still the one link");
        assertEquals(2, Files.getAttribute(original, "unix:nlink"));
        try (var files = Files.list(second.getParent())) {
            assertEquals(List.of("anna.mp4"), files.map(p -> p.getFileName().toString()).toList(), "no temporary name left");
        }
        // a stale file under the name (another job's, whose record moved) is replaced
        Path other = Files.write(dir.resolve("bob.mp4"), new byte[] {9});
        assertTrue(SafeMoves.publishLink(other, second));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(second));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(original), "the original is untouched");
    }

    @Test
    void acrossFileSystemsItIsACopy() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
                "needs a second file system (/dev/shm)");
        Path other = Files.createTempDirectory(shm, "lipdrop-safemoves");
        try {
            Path original = Files.write(dir.resolve("anna.mp4"), new byte[] {4, 5, 6});
            Path copy = other.resolve("anna.mp4");
            assertFalse(SafeMoves.publishLink(original, copy), "no hard link across file systems");
            assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(copy));
            assertEquals(1, Files.getAttribute(original, "unix:nlink"));
            try (var files = Files.list(other)) {
                assertEquals(1, files.count(), "no temporary name left");
            }
        } finally {
            FileTrees.delete(other);
        }
    }
}
