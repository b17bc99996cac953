package io.lipdrop.notify;

import io.lipdrop.RouteContract;
import io.lipdrop.intake.JobTask;
import io.lipdrop.jobs.Callback;
import io.lipdrop.jobs.CallbackQueue;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.ops.LipDropMetrics;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/**
 * Completion callbacks (routes/notify.yaml): which URL a job's events go to, and the sender. The events are
 * queued by the job beans in the store's transaction that records the outcome, so the job path never waits
 * for a receiver; the notify route (a master route: one node sends) posts them.
 */
public final class NotifyConfiguration implements CamelConfiguration {
    private final NotifySettings settings;
    private final CallbackSender sender;

    public NotifyConfiguration(NotifySettings settings, JobStore store, LipDropMetrics metrics) {
        this.settings = settings;
        this.sender = new CallbackSender(store, settings, metrics);
    }

    /** The events for the job beans: to lipdrop.notify.url, or none while it is empty. */
    public CallbackQueue queue() {
        return (event, key, job, json) -> {
            String url = urlFor(job);
            return url.isEmpty() ? null : Callback.of(event, key, job.name(), url, json);
        };
    }

    /** Where a job's events go. A per-job URL (its drop's settings) belongs here, checked with settings.check(url, origin). */
    private String urlFor(JobTask job) {
        return settings.url();
    }

    @BindToRegistry(RouteContract.CALLBACK_SENDER)
    public CallbackSender sender() { return sender; }
}
