package io.lipdrop.jobs;

import io.lipdrop.job.Callback;
import io.lipdrop.job.DeliveryRecord;
import io.lipdrop.job.NodeRecord;
import io.lipdrop.job.ProgressRecord;
import io.lipdrop.job.JobOutput;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Persistent job state, keyed by the content hash, shared by every node that uses the same store. Every
 * transition is durable when the call returns, so a kill -9 at any moment leaves a state a restart (or
 * another node) can finish from. A store belongs to one node ({@link #nodeId()}): claims are taken, renewed
 * and settled in its name, and "done", "failed" and "quarantined" are written only while it holds the claim.
 */
public interface JobStore extends AutoCloseable {

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

    // --- every name a done job's result was delivered under

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

    // --- live progress of running jobs, shared so that every node's jobs page shows every node's

    /** Records how far this node has got with a job (replacing what it wrote before). */
    void saveProgress(String key, int done, int total, double framesPerSecond, java.time.Instant started);

    /** Forgets a job's progress (it ended on this node). */
    void clearProgress(String key);

    /** Every node's progress rows. */
    List<ProgressRecord> progress();

    // --- named locks with an expiry, for work one node must do once (finishing a drop)

    /** Takes the lock for this node unless another node holds it unexpired. */
    boolean tryLock(String name, int seconds);

    void unlock(String name);

    // --- the nodes sharing the store

    /** Records this node as alive now (host, pid, home). */
    void heartbeat(String host, long pid, String home);

    /** Nodes seen within the last {@code withinSeconds}, this one included. */
    List<NodeRecord> liveNodes(int withinSeconds);

    // --- delivery ledger: one row per outbox file to upload; housekeeping may delete only delivered ones

    /** Pending deliveries whose next attempt is due, oldest first. */
    List<DeliveryRecord> dueDeliveries(long nowMillis, int limit);

    long pendingDeliveries();

    void markDelivered(String path, String etag);

    void deliveryFailed(String path, String error, long nextAttemptMillis);

    /** True once the file at this outbox-relative path is confirmed in the bucket. */
    boolean isDelivered(String path);

    // --- completion callbacks: queued with the outcomes, sent by one node, each marked sent after a 2xx

    /** Callbacks to send whose next attempt is due, oldest first. */
    List<Callback> dueCallbacks(long nowMillis, int limit);

    long pendingCallbacks();

    void callbackSent(String id);

    void callbackFailed(String id, String error, long nextAttemptMillis);

    /** Given up: refused for good (a 4xx) or failing for longer than allowed. Kept, with the reason. */
    void callbackAbandoned(String id, String error);

    /** "H2 file data/jobs" or "PostgreSQL host:port/db", never a password. */
    String describe();

    @Override
    void close();
}
