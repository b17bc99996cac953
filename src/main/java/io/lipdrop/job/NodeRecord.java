package io.lipdrop.job;

import java.time.Instant;

/** A node sharing the job store, as of its last heartbeat. */
public record NodeRecord(String id, String host, long pid, String home, Instant startedAt, Instant lastSeen) {}
