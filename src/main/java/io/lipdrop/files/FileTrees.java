package io.lipdrop.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Deletes a folder and everything under it, the one way LipDrop does it (work folders, staging folders, downloads
 * that failed). A symbolic link is removed, never followed: a link to a file or folder elsewhere loses the link, not
 * what it points to. A read-only file or folder inside goes too. A path that does not exist is no error.
 */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code root} (a folder, a file or a link) and, for a folder, everything under it. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() { // links are not followed: a link is visited as a file
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                remove(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE; // gone meanwhile
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) throw e;
                remove(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** {@link #delete}, for temporary folders whose leftovers do no harm: false when something could not be removed. */
    public static boolean deleteQuietly(Path root) {
        try {
            delete(root);
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static void remove(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (AccessDeniedException e) {
            // the folder holding it is read-only (an unpacked archive's, say): made writable by its owner, then removed
            if (!ownerWritable(p.getParent())) throw e;
            Files.deleteIfExists(p);
        }
    }

    private static boolean ownerWritable(Path dir) throws IOException {
        PosixFileAttributeView view = dir == null ? null : Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) return false;
        Set<PosixFilePermission> perms = EnumSet.copyOf(view.readAttributes().permissions());
        if (!perms.add(PosixFilePermission.OWNER_WRITE)) return false; // it was writable: not the reason
        view.setPermissions(perms);
        return true;
    }
}
