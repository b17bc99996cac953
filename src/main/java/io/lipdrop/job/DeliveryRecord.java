package io.lipdrop.job;

/**
 * One outbox file's upload state: pending until the object is confirmed in the bucket. {@code s3Prefix}: the key
 * prefix the job's own settings gave it (null: lipdrop.s3.prefix).
 */
public record DeliveryRecord(String path, String jobKey, int attempts, String lastError, boolean delivered, String s3Prefix) {
    public DeliveryRecord(String path, String jobKey, int attempts, String lastError, boolean delivered) {
        this(path, jobKey, attempts, lastError, delivered, null);
    }
}
