package io.lipdrop.lipsync.asr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a model folder looked like when it last verified against its pinned hash: every file's path, size and
 * modification time, kept beside the folder ({@code models/asr/.en.verified}). While the folder still looks so, its
 * files are not hashed again: hashing Vosk's 71 MB took 0.9 CPU s of every fresh {@code lipdrop sync} (the JIT's first
 * tier has no SHA-256 intrinsic), the phoneme model's 19 MB 0.2 s more. A file added, removed, cut short or rewritten
 * changes the listing and the folder is hashed in full, as a damaged or partial one always was; what it no longer
 * catches is a change that keeps a file's size and time (bytes flipped on the disk). Where the stamp cannot be written
 * (an installation's read-only models), the folder is hashed at every start as before.
 */
final class FolderStamp {
    private final Path dir, stamp;

    FolderStamp(Path dir) {
        this.dir = dir;
        this.stamp = dir.resolveSibling("." + dir.getFileName() + ".verified");
    }

    /** True when the folder verified to {@code treeSha256} and has not changed since. */
    boolean vouchesFor(String treeSha256) {
        try {
            return Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(text(treeSha256));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Records that the folder, as it is now, verified to {@code treeSha256}; silently not where it cannot be written. */
    void record(String treeSha256) {
        Path part = null;
        try {
            String text = text(treeSha256);
            if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(text)) return;
            part = Files.createTempFile(stamp.getParent(), stamp.getFileName().toString(), ".part");
            Files.writeString(part, text, StandardCharsets.UTF_8);
            Files.move(part, stamp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // the stamp only saves time: without it the folder is hashed at the next start
        } finally {
            if (part != null) try { Files.deleteIfExists(part); } catch (IOException ignored) { }
        }
    }

    private String text(String treeSha256) throws IOException {
        StringBuilder out = new StringBuilder("tree ").append(treeSha256).append('\n');
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                out.append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append(' ')
                        .append(dir.relativize(f).toString().replace('\\', '/')).append('\n');
            }
        }
        return out.toString();
    }
}
