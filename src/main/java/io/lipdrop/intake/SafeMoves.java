package io.lipdrop.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Moves that never overwrite: a name already taken becomes {@code name (2).ext}. */
public final class SafeMoves {
    private SafeMoves() {}

    public static Path moveInto(Path source, Path dir) {
        return moveAs(source, dir, source.getFileName().toString());
    }

    public static Path moveAs(Path source, Path dir, String name) {
        try {
            Files.createDirectories(dir);
            for (int n = 1; ; n++) {
                Path target = dir.resolve(n == 1 ? name : numbered(name, n));
                if (Files.exists(target)) continue;
                try {
                    return Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException raced) {
                    // taken between the check and the move: try the next name
                } catch (AtomicMoveNotSupportedException e) {
                    return Files.move(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + source + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name + " (" + n + ")" : name.substring(0, dot) + " (" + n + ")" + name.substring(dot);
    }

    /**
     * Puts a finished file in place with one atomic rename, replacing what was there. When the source is on
     * another file system (a node's own work/ and the shared outbox), it is copied to a hidden temporary name
     * beside the target first and that is renamed: readers still never see half a file.
     */
    public static void publish(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException acrossFileSystems) {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(source);
        }
    }

    /**
     * Puts an existing file under a second name, replacing what was there: a hard link where the file system
     * allows (no second copy on disk), else a copy; made under a hidden temporary name beside the target and
     * renamed, so readers never see half a file. Nothing is done when the target is that file already (a
     * rename of a link onto its own file would leave the temporary name behind). True when linked.
     */
    public static boolean publishLink(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        if (Files.exists(target) && Files.isSameFile(source, target)) return true;
        Path tmp = target.resolveSibling("." + target.getFileName() + ".link.tmp");
        Files.deleteIfExists(tmp); // left by a crash
        boolean linked;
        try {
            Files.createLink(tmp, source);
            linked = true;
        } catch (UnsupportedOperationException | IOException noLinks) {
            // another file system, or one without hard links (some network and FAT file systems)
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            linked = false;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return linked;
    }

    /** Writes {@code text} to a temporary file beside {@code target}, then renames it: readers never see half a file. */
    public static void writeAtomically(Path target, String text) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
