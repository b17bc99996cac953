package io.lipdrop.notify;

import io.lipdrop.jobs.Callback;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.ops.LipDropMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Posts the queued callbacks (routes/notify.yaml, on one node at a time): each signed, marked sent after a
 * 2xx; a connection failure, a timeout, a 5xx, 408 or 429 is retried with exponential backoff until
 * lipdrop.notify.give-up-minutes after the event, any other answer (a 4xx, a redirect) is final. Either way the
 * event is given up with one WARN line. Runs on its own route, so a slow or absent receiver never holds a job.
 */
public final class CallbackSender {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    private static final int BATCH = 50;

    private final JobStore store;
    private final NotifySettings settings;
    private final LipDropMetrics metrics;
    private final HttpClient http;

    public CallbackSender(JobStore store, NotifySettings settings, LipDropMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        // redirects are not followed: a POST with a signed body goes where it was configured to, or fails
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The callbacks whose next attempt is due, oldest first. */
    public List<Callback> due() {
        return store.dueCallbacks(System.currentTimeMillis(), BATCH);
    }

    public void send(Callback c) {
        byte[] body = c.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(c.url())).timeout(settings.timeout())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "LipDrop")
                    .header(CallbackSignature.EVENT_HEADER, c.event())
                    .header(CallbackSignature.DELIVERY_HEADER, c.id())
                    .header(CallbackSignature.HEADER, CallbackSignature.sign(settings.secret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            giveUp(c, "the URL cannot be used: " + e.getMessage());
            return;
        }
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (HttpTimeoutException e) {
            retry(c, "no answer within " + settings.timeout().toSeconds() + " s");
            return;
        } catch (ConnectException e) {
            retry(c, "cannot connect (" + (e.getMessage() == null ? "refused" : e.getMessage()) + ")");
            return;
        } catch (IOException e) {
            retry(c, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the event stays pending and is sent after the restart
            return;
        }
        if (status >= 200 && status < 300) {
            store.callbackSent(c.id());
            metrics.counter("lipdrop.callbacks", "Completion callbacks by result", 1, "result", "sent");
            LOG.info("callback {} for {} sent to {} (HTTP {}, attempt {})", c.event(), c.jobName(), NotifySettings.shown(c.url()), status,
                    c.attempts() + 1);
        } else if (status >= 500 || status == 408 || status == 429) {
            retry(c, "HTTP " + status);
        } else {
            giveUp(c, "HTTP " + status + (status >= 300 && status < 400 ? " (a redirect: set the final URL)" : " (refused, not retried)"));
        }
    }

    private void retry(Callback c, String problem) {
        Duration age = Duration.between(c.createdAt(), Instant.now());
        if (age.compareTo(settings.giveUpAfter()) >= 0) {
            giveUp(c, problem + "; still failing after " + age.toMinutes() + " min (lipdrop.notify.give-up-minutes)");
            return;
        }
        long delay = Math.min(settings.retryMaxMillis(), settings.retryInitialMillis() << Math.min(20, c.attempts()));
        store.callbackFailed(c.id(), problem, System.currentTimeMillis() + delay);
        metrics.counter("lipdrop.callbacks", "Completion callbacks by result", 1, "result", "retried");
        // one line when an event first fails; its later attempts are in the store (last_error), not the log
        if (c.attempts() == 0) {
            LOG.warn("callback {} for {} to {} failed: {}; retrying with backoff", c.event(), c.jobName(), NotifySettings.shown(c.url()),
                    problem);
        } else {
            LOG.debug("callback {} for {} attempt {} failed: {}; next in {} ms", c.event(), c.jobName(), c.attempts() + 1, problem, delay);
        }
    }

    private void giveUp(Callback c, String why) {
        store.callbackAbandoned(c.id(), why);
        metrics.counter("lipdrop.callbacks", "Completion callbacks by result", 1, "result", "gave_up");
        LOG.warn("callback {} for {} to {} given up after {} attempt(s): {}", c.event(), c.jobName(), NotifySettings.shown(c.url()),
                c.attempts() + 1, why);
    }
}
