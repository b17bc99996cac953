package io.lipdrop.delivery;

import java.io.File;

/** One outbox file on its way to the bucket. {@code fingerprint} is filled in before the upload. */
public final class Upload {
    private final String path;
    private final File file;
    private final String key;
    private final int attempts;
    private Fingerprint fingerprint;
    private final long startedNanos = System.nanoTime();

    Upload(String path, File file, String key, int attempts) {
        this.path = path;
        this.file = file;
        this.key = key;
        this.attempts = attempts;
    }

    /** Relative to the outbox, as the job store knows it. */
    public String path() { return path; }
    public File file() { return file; }
    public String key() { return key; }
    public int attempts() { return attempts; }
    public String contentType() { return path.endsWith(".mp4") ? "video/mp4" : path.endsWith(".json") ? "application/json" : "application/octet-stream"; }
    public Fingerprint fingerprint() { return fingerprint; }
    void fingerprint(Fingerprint f) { this.fingerprint = f; }
    double seconds() { return (System.nanoTime() - startedNanos) / 1e9; }

    @Override
    public String toString() { return path; }
}
