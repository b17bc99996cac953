package io.lipdrop.job;

import java.time.Instant;

/**
 * One name a job's result was delivered under (relative to the outbox): the one it was made for, or a
 * duplicate drop's own name ({@code reused}).
 */
public record JobOutput(String output, String jobKey, String jobName, boolean reused, Instant createdAt) {}
