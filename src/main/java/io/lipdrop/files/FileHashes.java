package io.lipdrop.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Content hashes of input files, remembered by path, size and modification time. A drop stays in the inbox
 * until it is finished and every node re-plans it at each poll while another node works on it: the same
 * multi-GB video must not be read again every second. Bounded: the least recently used entries go.
 */
public final class FileHashes {
    /** A file's SHA-256 and the seconds it took to read. */
    public record Hash(String sha256, double seconds) {}

    private record Stamp(long size, long modifiedNanos) {}

    private record Entry(Stamp stamp, Hash hash) {}

    private final ContentHasher hasher = new ContentHasher();
    private final Map<Path, Entry> entries;

    public FileHashes(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, Entry> eldest) { return size() > capacity; }
        };
    }

    public Hash of(Path file) {
        Stamp stamp = stamp(file);
        synchronized (entries) {
            Entry e = entries.get(file);
            if (e != null && e.stamp().equals(stamp)) return e.hash();
        }
        long t = System.nanoTime();
        Hash h = new Hash(hasher.sha256(file), (System.nanoTime() - t) / 1e9);
        // a file that changed while it was read is hashed again next time
        if (stamp.equals(stamp(file))) {
            synchronized (entries) {
                entries.put(file, new Entry(stamp, h));
            }
        }
        return h;
    }

    private static Stamp stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.size(), a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                    + a.lastModifiedTime().toInstant().getNano());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to hash it", e);
        }
    }
}
