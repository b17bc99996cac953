package io.lipdrop.jobs;

import io.lipdrop.intake.JobTask;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.lipsync.UnusableInputException;
import io.lipdrop.ops.LipDropMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a job that did not simply succeed: a duplicate is skipped (its inputs are archived with
 * the drop), unusable input is quarantined at once, any other failure is retried on the next poll and
 * quarantined after {@code maxAttempts}.
 */
public final class JobOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);

    private final JobStore store;
    private final Quarantine quarantine;
    private final int maxAttempts;
    private final LipDropMetrics metrics;

    public JobOutcomes(JobStore store, Quarantine quarantine, int maxAttempts, LipDropMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.quarantine = quarantine;
        this.maxAttempts = maxAttempts;
    }

    public void duplicate(JobTask job) {
        String where = store.find(job.key()).map(JobRecord::output).orElse("?");
        LOG.info("skipped {}: the same content was already done, the result is outbox/{}", job.name(), where);
        job.outcome(JobTask.Outcome.DUPLICATE);
        metrics.outcome("duplicate");
    }

    public void failed(JobTask job, Exception error) {
        Throwable cause = unwrap(error);
        if (cause instanceof UnusableInputException bad) {
            if (job.key() != null) store.markQuarantined(job.key(), bad.reason());
            quarantine.rejectJob(job, bad.reason(), bad.advice(), attempts(job));
            job.outcome(JobTask.Outcome.QUARANTINED);
            metrics.outcome("quarantined");
            return;
        }
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (job.key() == null) {
            LOG.warn("{} could not be read ({}); it will be tried again", job.name(), message);
            job.outcome(JobTask.Outcome.RETRY);
            return;
        }
        int attempts = attempts(job);
        metrics.outcome("failed");
        if (attempts >= maxAttempts) {
            store.markQuarantined(job.key(), message);
            quarantine.rejectJob(job, "processing failed " + attempts + " times; the last error was: " + message,
                    "Check the log around this time; if the input plays in a media player, report the error.", attempts);
            job.outcome(JobTask.Outcome.QUARANTINED);
            metrics.outcome("quarantined");
        } else {
            store.markFailed(job.key(), message);
            LOG.warn("{} failed (attempt {} of {}): {}; it will be tried again", job.name(), attempts, maxAttempts, message, cause);
            job.outcome(JobTask.Outcome.RETRY);
        }
    }

    private int attempts(JobTask job) {
        return job.key() == null ? 0 : store.find(job.key()).map(JobRecord::attempts).orElse(0);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable c = e;
        while (!(c instanceof UnusableInputException) && c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c instanceof UnusableInputException ? c : e;
    }
}
