package io.lipdrop.housekeeping;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What one pass deleted (or, in a dry run, would have). */
public final class HousekeepingReport {
    public enum Action { DELETED, KEPT }

    public record Entry(Action action, Path path, Duration age, long bytes, String why) {
        @Override
        public String toString() {
            // one line per entry (the log and the dry run's output) whatever the file's name holds
            return String.format("%-10s %s (%s old, %s)%s", action.name().toLowerCase(), io.lipdrop.intake.Names.printable(path),
                    HousekeepingReport.age(age),
                    HousekeepingReport.size(bytes), why == null ? "" : ": " + why);
        }
    }

    private final boolean dryRun;
    private final List<Entry> entries = new ArrayList<>();
    private long bytesFreed;
    // the bucket's objects are counted, not listed: a purge may take many thousands
    private long bucketObjects;
    private long bucketBytes;
    private String bucketProblem;

    HousekeepingReport(boolean dryRun) { this.dryRun = dryRun; }

    void add(Entry e, long freed) {
        entries.add(e);
        bytesFreed += freed;
    }

    void addBucket(long objects, long bytes) {
        bucketObjects += objects;
        bucketBytes += bytes;
    }

    void bucketProblem(String problem) { bucketProblem = problem; }

    public boolean dryRun() { return dryRun; }
    public List<Entry> entries() { return entries; }
    public long bytesFreed() { return bytesFreed; }
    public long count(Action a) { return entries.stream().filter(e -> e.action() == a).count(); }
    /** Objects deleted from the bucket (in a dry run: that would be). */
    public long bucketObjects() { return bucketObjects; }
    public long bucketBytes() { return bucketBytes; }
    /** Why the bucket was not (fully) purged, or null. */
    public String bucketProblem() { return bucketProblem; }

    public String summary() {
        return (dryRun ? "dry run: would delete " : "deleted ") + count(Action.DELETED) + " file(s), "
                + (dryRun ? "would free " : "freed ") + size(bytesFreed) + "; kept " + count(Action.KEPT) + " old file(s) that are not safe to delete"
                + (bucketObjects > 0 ? "; bucket: " + (dryRun ? "would delete " : "deleted ") + bucketObjects + " object(s), "
                        + size(bucketBytes) : "")
                + (bucketProblem != null ? "; bucket not purged: " + bucketProblem : "");
    }

    static String age(Duration d) {
        long h = d.toHours();
        return h >= 48 ? (h / 24) + " days" : h + " hours";
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.1f GB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.1f MB", bytes / (double) (1L << 20));
        if (bytes >= 1L << 10) return String.format("%.1f kB", bytes / (double) (1L << 10));
        return bytes + " B";
    }
}
