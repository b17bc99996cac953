package io.lipdrop.job;

import java.time.Instant;

/** A running job's progress as its node last wrote it to the store (for the jobs page on the other nodes). */
public record ProgressRecord(String key, String node, int done, int total, double framesPerSecond, Instant started, Instant updated) {}
