package io.lipdrop.job;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The jobs themselves, keyed by their content key and shared by every node on the same store: queue, claim, settle
 * and look up. A ledger belongs to one node ({@link #nodeId()}): claims are taken, renewed and settled in its name, and
 * "done", "failed" and "quarantined" are written only while it holds the claim. Every transition is durable when the
 * call returns, so a kill -9 at any moment leaves a state a restart (or another node) can finish from.
 */
public interface JobLedger {
    /** The node this store acts for. */
    String nodeId();

    Optional<JobRecord> find(String key);

    /** Records a job as queued unless it is already known. */
    void enqueue(String key, String name);

    /**
     * Claims the job for this node, atomically on the database: true (status running, attempts + 1, a fresh
     * lease) when it is queued, failed or quarantined, or running under a lease that expired (its node died)
     * or under this node's own id (this node crashed and came back). False when it is done or another live
     * node holds it.
     */
    boolean claim(String key);

    /** Extends the leases of these jobs held by this node; returns the keys whose claim this node lost. */
    Set<String> renew(Collection<String> keys);

    /** Remembers where the result will be moved, before it is moved there (only by the claim's holder). */
    void planOutput(String key, String name, String output);

    default void planOutput(String key, String output) { planOutput(key, null, output); }

    /**
     * Marks the job done and, in the same transaction, queues its files (relative to the outbox) for
     * delivery, so a crash cannot leave a finished job whose upload was never queued. False, and nothing
     * written, when another node holds the claim now.
     */
    default boolean markDone(String key, String output, List<String> deliverables) { return markDone(key, output, deliverables, null, null); }

    /**
     * {@link #markDone(String, String, List)}, recording {@code output} as the job's delivered name and queueing
     * {@code callback} (when not null) in the same transaction: an outcome is never recorded without its event.
     * {@code s3Prefix} (null: lipdrop.s3.prefix) is the key prefix the job's settings give its deliveries.
     */
    boolean markDone(String key, String output, List<String> deliverables, String s3Prefix, Callback callback);

    default boolean markDone(String key, String output) { return markDone(key, output, List.of()); }

    /** Records a failure to retry; false when another node holds the claim or the job is done. */
    boolean markFailed(String key, String error);

    /**
     * Puts a job this node holds back as it was before this attempt (a fault of the machine, not of the input):
     * queued, the attempt not counted, {@code why} as its note. False when another node holds it or it is done.
     */
    boolean release(String key, String why);

    /** True when the store answers now (reconnecting or reopening it first if its connection was lost). */
    boolean reachable();

    /** Records a final refusal; false when another node holds the claim. */
    default boolean markQuarantined(String key, String error) { return markQuarantined(key, error, null); }

    /** {@link #markQuarantined(String, String)}, queueing {@code callback} (when not null) in the same transaction. */
    boolean markQuarantined(String key, String error, Callback callback);

    /**
     * Reopens a finished job (queued, attempts reset, its output path kept) so the same content dropped
     * again is processed again and replaces that output.
     */
    boolean reopen(String key);

    /** The job whose result is (or is being moved) at this outbox-relative path: a made or a reused output. */
    Optional<JobRecord> findByOutput(String output);

    /**
     * Records a done job's result delivered again under a duplicate drop's own name and, in the same
     * transaction, queues its files for S3 and its callback. False, and nothing written, when that name is
     * already recorded for this job (another node, or an earlier run, delivered it).
     */
    boolean recordReuse(String key, String output, String jobName, List<String> deliverables, String s3Prefix, Callback callback);

    /** The names this job's result was delivered under, oldest first. */
    List<JobOutput> outputs(String key);

    /** The most recently changed jobs first, at most {@code limit}; only those in {@code status} unless it is null. */
    List<JobRecord> list(JobStatus status, int limit);

    /** How many jobs are in each status (statuses without jobs are left out). */
    java.util.Map<JobStatus, Long> countByStatus();
}
