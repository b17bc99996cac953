package io.lipdrop.models;

import java.util.Locale;

/** Sizes for people: 812 B, 40.1 KiB, 139.6 MiB, 1.20 GiB. */
public final class ByteSize {
    private ByteSize() {}

    public static String format(long bytes) {
        if (bytes < 0) return "?";
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
