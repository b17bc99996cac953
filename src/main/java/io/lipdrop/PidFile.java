package io.lipdrop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code $LIPDROP_HOME/lipdrop.pid}: the service's process id, the file {@code bin/lipdrop start} writes and
 * {@code status}, {@code stop} and {@code restart} read. The service writes it itself and removes it when it stops, so
 * those commands see a service started in the foreground ({@code bin/lipdrop run}, systemd's unit) as well.
 */
final class PidFile {
    static final String NAME = "lipdrop.pid";
    /** No PID file (it could not be written): nothing to remove. */
    static final PidFile NONE = new PidFile(null, -1);

    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Writes this process's id into {@code home}/lipdrop.pid, whole: written aside and renamed into place. */
    static PidFile write(Path home) throws IOException {
        PidFile p = new PidFile(home.resolve(NAME), ProcessHandle.current().pid());
        Path part = Files.createTempFile(home, "." + NAME, ".part");
        try {
            Files.writeString(part, p.pid + "\n");
            Files.move(part, p.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        return p;
    }

    /** Removes the file while it names this process (another instance started since keeps its own). Never throws. */
    void remove() {
        if (file == null) return;
        try {
            if (Files.readString(file).trim().equals(Long.toString(pid))) Files.deleteIfExists(file);
        } catch (NoSuchFileException gone) {
            // already removed (bin/lipdrop stop removes it too)
        } catch (IOException | RuntimeException e) {
            System.err.println("lipdrop: cannot remove " + file + ": " + e); // the log may be closed by now
        }
    }
}
