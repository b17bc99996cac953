package io.lipdrop.job;

/** queued -> running -> done | failed (retried) | quarantined (bad input, or failed too often). */
public enum JobStatus { QUEUED, RUNNING, DONE, FAILED, QUARANTINED }
