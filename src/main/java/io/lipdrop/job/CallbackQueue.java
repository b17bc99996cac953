package io.lipdrop.job;


/**
 * Makes a job's completion callback, or none: where it goes is decided per job (today the global
 * lipdrop.notify.url), so the event is queued in the same transaction as the outcome it reports.
 */
@FunctionalInterface
public interface CallbackQueue {
    /** The event to queue with the outcome, or null when this job has no callback URL. */
    Callback event(String event, String key, JobTask job, String json);

    CallbackQueue NONE = (event, key, job, json) -> null;
}
