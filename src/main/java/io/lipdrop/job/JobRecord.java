package io.lipdrop.job;

import java.time.Instant;

/**
 * One job's persisted state. {@code output} is set before the result is moved into the outbox; {@code node}
 * is the node that holds (or last held) the claim, {@code leaseUntil} when a running claim expires.
 */
public record JobRecord(String key, String name, JobStatus status, int attempts, String error, String output,
                        Instant createdAt, Instant updatedAt, String node, Instant leaseUntil) {}
