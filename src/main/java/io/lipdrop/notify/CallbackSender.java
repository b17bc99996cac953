package io.lipdrop.notify;

import io.lipdrop.job.CallbackOutbox;
import io.lipdrop.job.Backoff;
import io.lipdrop.job.Callback;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Posts the queued callbacks (routes/notify.yaml, on one node at a time): each signed, marked sent after a
 * 2xx; a connection failure, a timeout, a 5xx, 408 or 429 is retried with exponential backoff until
 * lipdrop.notify.give-up-minutes after the event, any other answer (a 4xx, a redirect: never followed) is final, and
 * so is a target that is not allowed ({@link TargetCheck}). Either way the event is given up with one WARN line. Runs on its own route, so a slow or absent receiver never holds a job.
 */
public final class CallbackSender {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    private static final int BATCH = 50;

    private final CallbackOutbox store;
    private final NotifySettings settings;
    private final LipDropMetrics metrics;
    private final TargetCheck targets;
    private final PinnedPost http;
    private final io.lipdrop.job.QuietStoreReads reads = new io.lipdrop.job.QuietStoreReads("completion callbacks");

    public CallbackSender(CallbackOutbox store, NotifySettings settings, LipDropMetrics metrics) {
        this(store, settings, metrics, InetAddress::getAllByName);
    }

    /** @param resolver how host names are resolved (the system's; tests give a fixed one) */
    CallbackSender(CallbackOutbox store, NotifySettings settings, LipDropMetrics metrics, TargetCheck.Resolver resolver) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        this.targets = new TargetCheck(settings.allowed(), resolver);
        this.http = new PinnedPost(SSLConnectionSocketFactory.getSocketFactory(), settings.timeout());
    }

    /** The callbacks whose next attempt is due, oldest first. */
    public List<Callback> due() {
        return reads.read(() -> store.dueCallbacks(System.currentTimeMillis(), BATCH), List.of());
    }

    public void send(Callback c) {
        byte[] body = c.body().getBytes(StandardCharsets.UTF_8);
        URI url;
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            url = URI.create(c.url());
            headers.put("Content-Type", "application/json; charset=utf-8");
            headers.put("User-Agent", "LipDrop");
            headers.put(CallbackSignature.EVENT_HEADER, c.event());
            headers.put(CallbackSignature.DELIVERY_HEADER, c.id());
            headers.put(CallbackSignature.HEADER, CallbackSignature.sign(settings.secret(), body));
            BasicAuth.of(url).ifPresent(value -> headers.put("Authorization", value));
        } catch (IllegalArgumentException e) {
            giveUp(c, "the URL cannot be used: " + e.getMessage());
            return;
        }
        int status;
        try {
            // checked on every attempt: the allow list may have changed since the event was queued, and DNS may have
            InetAddress address = targets.addressFor(url);
            status = http.post(url, address, headers, body);
        } catch (TargetCheck.Refused e) {
            giveUp(c, "refused: " + e.getMessage());
            return;
        } catch (UnknownHostException e) {
            retry(c, "cannot resolve " + e.getMessage());
            return;
        } catch (SocketTimeoutException e) {
            retry(c, "no answer within " + settings.timeout().toSeconds() + " s");
            return;
        } catch (ConnectException e) {
            retry(c, "cannot connect (" + (e.getMessage() == null ? "refused" : e.getMessage()) + ")");
            return;
        } catch (IOException e) {
            retry(c, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
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
        long delay = new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis()).delayMillis(c.attempts());
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
