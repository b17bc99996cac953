package io.lipdrop.job;

import java.util.List;
import java.util.Optional;

/**
 * The delivery ledger: one row per outbox file to upload to S3, queued with the job's outcome; housekeeping may delete
 * only delivered ones.
 */
public interface DeliveryQueue {
    /** Pending deliveries whose next attempt is due, oldest first. */
    List<DeliveryRecord> dueDeliveries(long nowMillis, int limit);

    /** @param queuedHere only those this node queued: in bucket mode each node's outbox is its own */
    List<DeliveryRecord> dueDeliveries(long nowMillis, int limit, boolean queuedHere);

    long pendingDeliveries();

    /** The files of one job (made or reused under several names) still waiting to be confirmed in the bucket. */
    long pendingDeliveries(String jobKey);

    void markDelivered(String path, String etag);

    void deliveryFailed(String path, String error, long nextAttemptMillis);

    /** True once the file at this outbox-relative path is confirmed in the bucket. */
    boolean isDelivered(String path);

    /**
     * The delivery of the file at this outbox-relative path once it is confirmed in the bucket (empty before): its
     * {@code s3Prefix} makes the object's key, which another node may have chosen from the job's own settings.
     */
    Optional<DeliveryRecord> delivered(String path);
}
