package io.lipdrop.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one delete-tree: everything under the folder goes, nothing a link points to. */
class FileTreesTest {
    @TempDir Path dir;

    @Test
    void deletesTheTreeWithReadOnlyPartsButNeverWhatALinkPointsTo() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside/models"));
        Path precious = Files.writeString(outside.resolve("precious.onnx"), "keep me");
        Path outsideFile = Files.writeString(dir.resolve("outside/notes.txt"), "keep me too");

        Path root = Files.createDirectories(dir.resolve("work/job"));
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/frame.png"), "x");
        Path readOnlyFile = Files.writeString(root.resolve("a/report.json"), "{}");
        Files.setPosixFilePermissions(readOnlyFile, PosixFilePermissions.fromString("r--r--r--"));
        Path readOnlyDir = Files.createDirectories(root.resolve("unpacked"));
        Files.writeString(readOnlyDir.resolve("model.bin"), "y");
        Files.setPosixFilePermissions(readOnlyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.createSymbolicLink(root.resolve("to-folder"), outside);
        Files.createSymbolicLink(root.resolve("a/to-file"), outsideFile);
        Files.createSymbolicLink(root.resolve("a/b/dangling"), dir.resolve("nowhere"));

        FileTrees.delete(root);

        assertFalse(Files.exists(root, LinkOption.NOFOLLOW_LINKS), "the tree is gone");
        assertTrue(Files.exists(dir.resolve("work")), "its parent stays");
        assertEquals("keep me", Files.readString(precious), "a linked folder's files are not deleted");
        assertEquals("keep me too", Files.readString(outsideFile), "a linked file is not deleted");
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void aLinkAsTheRootLosesOnlyTheLinkAndAMissingPathIsNoError() throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.writeString(target.resolve("f.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        FileTrees.delete(link);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(target.resolve("f.txt")));

        FileTrees.delete(dir.resolve("never-was"));
        assertTrue(FileTrees.deleteQuietly(dir.resolve("never-was")));
        Path file = Files.writeString(dir.resolve("single.txt"), "z");
        assertTrue(FileTrees.deleteQuietly(file));
        assertFalse(Files.exists(file));
    }
}
