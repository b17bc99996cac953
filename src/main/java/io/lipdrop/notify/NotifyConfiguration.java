package io.lipdrop.notify;

import io.lipdrop.RouteContract;
import io.lipdrop.job.Callback;
import io.lipdrop.job.CallbackOutbox;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.JobTask;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/**
 * Completion callbacks (routes/notify.yaml): which URL a job's events go to, and the sender. The events are
 * queued by the job beans in the store's transaction that records the outcome, so the job path never waits
 * for a receiver; the notify route (a master route: one node sends) posts them.
 */
public final class NotifyConfiguration implements CamelConfiguration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NotifyConfiguration.class);
    private final NotifySettings settings;
    private final CallbackSender sender;

    public NotifyConfiguration(NotifySettings settings, CallbackOutbox store, LipDropMetrics metrics) {
        this.settings = settings;
        this.sender = new CallbackSender(store, settings, metrics);
        // once at start, so an operator sees what a drop's notify-url can reach without reading the code
        LOG.info("callbacks may go to: {}", settings.allowed().describe());
    }

    /** The events for the job beans: to lipdrop.notify.url, or none while it is empty. */
    public CallbackQueue queue() {
        return (event, key, job, json) -> {
            String url = urlFor(job);
            return url.isEmpty() ? null : Callback.of(event, key, job.name(), url, json);
        };
    }

    /**
     * Where a job's events go: its drop's own notify-url (lipdrop.yaml) when it has one, else lipdrop.notify.url.
     * A job's URL without lipdrop.notify.secret cannot be signed: that job sends nothing and says so, rather than
     * failing after its video is already in the outbox.
     */
    private String urlFor(JobTask job) {
        java.util.Optional<String> own = job.notifyUrl();
        if (own.isEmpty()) return settings.url();
        try {
            settings.check(own.get(), job.name() + "'s notify-url");
            return own.get();
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: no callback sent: {}", job.name(), e.getMessage());
            return "";
        }
    }

    @BindToRegistry(RouteContract.CALLBACK_SENDER)
    public CallbackSender sender() { return sender; }
}
