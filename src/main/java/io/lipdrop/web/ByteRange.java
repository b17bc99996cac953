package io.lipdrop.web;

/**
 * The one byte range of an HTTP Range header (RFC 9110): {@code bytes=0-99}, {@code bytes=100-} or the last n
 * bytes {@code bytes=-500}. Several ranges or another unit are answered with the whole file, as the RFC allows.
 */
final class ByteRange {
    static final long[] UNSATISFIABLE = new long[0];

    private ByteRange() {}

    /** [first, last] inclusive; null for the whole file; {@link #UNSATISFIABLE} when it starts past the end. */
    static long[] parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) return null;
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        try {
            String a = spec.substring(0, dash).strip(), b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) {
                if (b.isEmpty()) return null;
                long n = Long.parseLong(b);
                if (n <= 0 || size == 0) return UNSATISFIABLE;
                return new long[] {Math.max(0, size - n), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first < 0 || first >= size) return UNSATISFIABLE;
            if (last < first) return null;
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
