package io.lipdrop.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real file systems in a bad state for the tests: a small tmpfs that can be filled, a folder bind-mounted
 * read-only (which refuses root too, unlike permission bits). Needs mount(2): where the machine refuses it
 * (no CAP_SYS_ADMIN), the test is skipped with that reason. Unmounted on close, innermost first.
 */
public final class Mounts implements AutoCloseable {
    private final List<Path> mounted = new ArrayList<>();

    /** A tmpfs of {@code megabytes} at {@code dir}. */
    public Path tmpfs(Path dir, int megabytes) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(dir);
        run(true, "mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
        mounted.add(0, dir);
        return dir;
    }

    /** {@code dir} made read-only in place: a bind mount of itself, remounted read-only. */
    public void readOnly(Path dir) throws IOException, InterruptedException {
        run(true, "mount", "--bind", dir.toString(), dir.toString());
        mounted.add(0, dir);
        run(false, "mount", "-o", "remount,bind,ro", dir.toString());
    }

    /** Undoes the latest mount at {@code dir} (the folder is writable again, or the tmpfs gone). */
    public void unmount(Path dir) throws IOException, InterruptedException {
        if (mounted.remove(dir)) run(false, "umount", dir.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Path dir : List.copyOf(mounted)) unmount(dir);
    }

    private static void run(boolean skipIfRefused, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() == 0) return;
        if (skipIfRefused) Assumptions.abort("this machine refuses '" + String.join(" ", cmd) + "': " + out);
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
