package io.lipdrop.jobs;

import io.lipdrop.RouteContract;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.job.Callback;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.ClaimLostException;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.JobTask;
import io.lipdrop.lipsync.UnusableInputException;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.Header;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * What happens to a job that was not simply made here: one that is already done gets the existing result under
 * its own name ({@link DuplicateDelivery}; its inputs are archived with the drop), one running on another node is
 * left to it, unusable input is quarantined at once, any other failure is retried on a later poll and quarantined after {@code maxAttempts}. Every outcome is
 * written to the job store, which the archiver reads.
 */
public final class JobOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);

    private final JobStore store;
    private final Quarantine quarantine;
    private final int maxAttempts;
    private final LipDropMetrics metrics;
    private final DuplicateDelivery duplicates;
    private final CallbackQueue callbacks;
    private final NodePause pause;

    public JobOutcomes(JobStore store, Quarantine quarantine, int maxAttempts, LipDropMetrics metrics, DuplicateDelivery duplicates,
                       CallbackQueue callbacks, NodePause pause) {
        this.pause = pause;
        this.metrics = metrics;
        this.duplicates = duplicates;
        this.callbacks = callbacks;
        this.store = store;
        this.quarantine = quarantine;
        this.maxAttempts = maxAttempts;
    }

    /**
     * The claim was refused: the job is done (its result is delivered under this drop's own name, without
     * making it again), or another node (or thread) is making it, and this drop waits for it.
     */
    public void duplicate(JobTask job, @Header(RouteContract.JOB_KEY_HEADER) String key) {
        JobRecord r = store.find(key).orElse(null);
        if (r == null) return;
        if (r.status() == JobStatus.RUNNING) {
            LOG.debug("{} is being made by node {}", job.name(), r.node());
        } else if (r.status() == JobStatus.DONE) {
            try {
                duplicates.deliver(job, key, r);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // handled here, not as a failed job: the job is done, only this delivery is missing (a full disk,
                // say); the drop stays in the inbox without its output and the next poll delivers it
                LOG.warn("{}: the existing result could not be delivered under its own name ({}); it will be tried again", job.name(),
                        e.getMessage());
            }
        }
    }

    public void failed(JobTask job, String key, Exception error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ClaimLostException lost) {
            LOG.warn("{}: {}", job.name(), lost.getMessage());
            return;
        }
        // the machine's fault (a full disk, a folder it cannot write, the store away): the node pauses and the job
        // goes back untried; neither the attempt nor the input is blamed
        if (pause.handle(job.name(), key, error)) {
            metrics.outcome("paused");
            return;
        }
        // another node took the job over while this one stalled; whatever this attempt ran into (its inputs
        // archived by that node, say), the outcome is the other node's to record
        String holder = key == null ? null : store.find(key).map(JobRecord::node).orElse(null);
        if (holder != null && !holder.equals(store.nodeId())) {
            LOG.warn("{}: {} (this attempt ended with: {})", job.name(), new ClaimLostException(job.name(), holder).getMessage(),
                    unwrap(error).toString());
            return;
        }
        if (cause instanceof UnusableInputException bad) {
            if (key != null && !store.markQuarantined(key, bad.reason(), quarantined(job, key, bad.reason(), bad.advice()))) {
                LOG.warn("{}: another node holds the job now; its inputs are left to it", job.name());
                return;
            }
            quarantine.rejectJob(job, bad.reason(), bad.advice(), attempts(key));
            metrics.outcome("quarantined");
            return;
        }
        String message = reason(error);
        if (key == null) {
            LOG.warn("{} could not be read ({}); it will be tried again", job.name(), message);
            return;
        }
        int attempts = attempts(key);
        metrics.outcome("failed");
        if (attempts >= maxAttempts) {
            String reason = "processing failed " + attempts + " times; the last error was: " + message;
            String advice = "Check the log around this time; if the input plays in a media player, report the error.";
            if (!store.markQuarantined(key, message, quarantined(job, key, reason, advice))) return;
            quarantine.rejectJob(job, reason, advice, attempts);
            metrics.outcome("quarantined");
        } else if (store.markFailed(key, message)) {
            LOG.warn("{} failed (attempt {} of {}): {}; it will be tried again", job.name(), attempts, maxAttempts, message, cause);
        }
    }

    /** The "quarantined" event: what the user needs to fix the input, as the .error.txt says it. */
    private Callback quarantined(JobTask job, String key, String reason, String advice) {
        JsonObject o = new JsonObject();
        o.put("status", "quarantined");
        o.put("job", job.name());
        job.batch().ifPresent(b -> o.put("batch", b));
        o.put("key", key);
        o.put("error", reason);
        o.put("advice", advice);
        o.put("attempts", attempts(key));
        o.put("node", store.nodeId());
        o.put("quarantinedAt", Instant.now().toString());
        return callbacks.event("quarantined", key, job, Jsoner.prettyPrint(o.toJson()) + "\n");
    }

    private int attempts(String key) {
        return key == null ? 0 : store.find(key).map(JobRecord::attempts).orElse(0);
    }

    /**
     * The error as a person can read it: the first exception in the chain that is not one of Camel's or
     * reflection's envelopes (a CamelExecutionException's message is the exchange, not the reason).
     */
    static String reason(Throwable e) {
        Throwable c = e;
        while ((c instanceof org.apache.camel.CamelExecutionException || c instanceof org.apache.camel.RuntimeCamelException
                || c instanceof java.lang.reflect.InvocationTargetException || c instanceof java.util.concurrent.ExecutionException
                || c.getMessage() == null) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip());
    }

    private static Throwable unwrap(Throwable e) {
        Throwable c = e;
        while (!(c instanceof UnusableInputException || c instanceof ClaimLostException) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c instanceof UnusableInputException || c instanceof ClaimLostException ? c : e;
    }
}
