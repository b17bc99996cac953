package io.lipdrop.job;

/**
 * Exponential backoff without jitter, the one LipDrop's retries use (S3 uploads, completion callbacks): the wait
 * before the next try doubles with each failed attempt, from {@code initialMillis}, and never exceeds
 * {@code maxMillis}. Without jitter: there is one sender per kind of work in a cluster (master routes), so no herd
 * of clients to spread, and a wait can be told in advance.
 *
 * @param initialMillis the wait after the first failure
 * @param maxMillis     the longest wait
 */
public record Backoff(long initialMillis, long maxMillis) {
    public Backoff {
        if (initialMillis < 0 || maxMillis < 0) throw new IllegalArgumentException("a backoff's waits cannot be negative");
    }

    /**
     * @param failedBefore how many attempts failed before this failure (0 for the first failure)
     * @return {@code initialMillis * 2^failedBefore}, at most {@code maxMillis} (no overflow however many)
     */
    public long delayMillis(int failedBefore) {
        int doublings = Math.max(0, failedBefore);
        if (initialMillis == 0) return 0;
        if (doublings >= Long.SIZE - 1 || initialMillis > (maxMillis >> doublings)) return maxMillis;
        return initialMillis << doublings;
    }
}
