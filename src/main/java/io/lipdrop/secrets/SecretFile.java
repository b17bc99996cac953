package io.lipdrop.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * A random secret kept in a file only its owner can read (data/jobs.secret, data/api.token): the service's user
 * and root. The file is created with mode 0600 already set and then renamed into place, so there is no moment
 * when it exists readable by others, or exists half written.
 */
public final class SecretFile {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_FOLDER = PosixFilePermissions.fromString("rwx------");

    private SecretFile() {}

    /** The secret in {@code file}, made (32 random bytes as hex) if there is none yet. */
    public static String readOrCreate(Path file) throws IOException {
        String existing = read(file);
        if (existing != null) return existing;
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, ownerOnly(tmp, OWNER_FILE));
        try {
            Files.writeString(tmp, secret + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file); // no REPLACE_EXISTING: a secret another process made first wins
            return secret;
        } catch (FileAlreadyExistsException raced) {
            return read(file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The secret in {@code file}, or null when there is none; a file others could read is made owner-only first. */
    public static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        if (posix(file)) Files.setPosixFilePermissions(file, OWNER_FILE);
        String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
        return s.isEmpty() ? null : s;
    }

    /** Creates {@code folder} if needed and, on a POSIX file system, makes it owner-only (0700). */
    public static void ownerOnlyFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        if (posix(folder)) Files.setPosixFilePermissions(folder, OWNER_FOLDER);
    }

    private static FileAttribute<?>[] ownerOnly(Path p, Set<PosixFilePermission> perms) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
