package io.lipdrop.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Persistent job state, keyed by the content hash. Every transition is durable when the call returns,
 * so a kill -9 at any moment leaves a state a restart can finish from. Kept small so a PostgreSQL store
 * for several nodes can implement it too.
 */
public interface JobStore extends AutoCloseable {

    Optional<JobRecord> find(String key);

    /** Records a job as queued unless it is already known. */
    void enqueue(String key, String name);

    /**
     * Takes the job for a run: true (and attempts + 1, status running) unless it is done, or it is running
     * and {@code force} is false. A job left running by a crashed process is taken with force.
     */
    boolean claim(String key, String name, boolean force);

    /** Remembers where the result will be moved, before it is moved there. */
    void planOutput(String key, String output);

    /**
     * Marks the job done and, in the same transaction, queues its files (relative to the outbox) for
     * delivery, so a crash cannot leave a finished job whose upload was never queued.
     */
    void markDone(String key, String output, List<String> deliverables);

    default void markDone(String key, String output) { markDone(key, output, List.of()); }

    void markFailed(String key, String error);

    void markQuarantined(String key, String error);

    /**
     * Reopens a finished job (queued, attempts reset, its output path kept) so the same content dropped
     * again is processed again and replaces that output.
     */
    boolean reopen(String key);

    Optional<JobRecord> findByOutput(String output);

    // --- delivery ledger: one row per outbox file to upload; housekeeping may delete only delivered ones

    /** Pending deliveries whose next attempt is due, oldest first. */
    List<DeliveryRecord> dueDeliveries(long nowMillis, int limit);

    long pendingDeliveries();

    void markDelivered(String path, String etag);

    void deliveryFailed(String path, String error, long nextAttemptMillis);

    /** True once the file at this outbox-relative path is confirmed in the bucket. */
    boolean isDelivered(String path);

    @Override
    void close();
}
