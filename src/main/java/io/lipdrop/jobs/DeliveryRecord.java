package io.lipdrop.jobs;

/** One outbox file's upload state: pending until the object is confirmed in the bucket. */
public record DeliveryRecord(String path, String jobKey, int attempts, String lastError, boolean delivered) {}
