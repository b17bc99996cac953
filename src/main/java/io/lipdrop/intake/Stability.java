package io.lipdrop.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Says when a file has stopped changing: its size and modification time were the same at observations
 * at least {@code stableMillis} apart. Size alone misses an upload that pauses, mtime alone misses a
 * copy that preserves times (cp -p), so both are compared.
 */
public final class Stability {
    private record Seen(long size, long mtime, long since) {}

    private final long stableMillis;
    private final LongSupplier clock;
    private final Map<Path, Seen> seen = new ConcurrentHashMap<>();

    public Stability(long stableMillis) { this(stableMillis, System::currentTimeMillis); }

    Stability(long stableMillis, LongSupplier clock) {
        this.stableMillis = stableMillis;
        this.clock = clock;
    }

    public boolean isStable(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            seen.remove(file);
            return false;
        }
        long now = clock.getAsLong();
        long size = a.isDirectory() ? -1 : a.size();
        long mtime = a.lastModifiedTime().toMillis();
        Seen previous = seen.get(file);
        if (previous == null || previous.size != size || previous.mtime != mtime) {
            seen.put(file, new Seen(size, mtime, now));
            return false;
        }
        return now - previous.since >= stableMillis && now - mtime >= 0;
    }

    /** Drops what is known about files that are gone (called once per poll by the filter's owner). */
    public void forgetMissing() {
        seen.keySet().removeIf(p -> !Files.exists(p));
    }
}
