package io.lipdrop.notify;

import io.lipdrop.Settings;

import java.net.URI;
import java.time.Duration;

/**
 * Completion callbacks: where they go (lipdrop.notify.url; empty: none), the secret that signs them, how often
 * the queue is looked at, the backoff between attempts and when to give up. A URL without a secret is refused
 * at start: an unsigned callback could not be told from a forged one. {@code allowed}: where a drop's own
 * notify-url may point (lipdrop.notify.allow and lipdrop.notify.url's origin).
 */
public record NotifySettings(String url, String secret, long pollMillis, long retryInitialMillis, long retryMaxMillis,
                             Duration giveUpAfter, Duration timeout, AllowedTargets allowed) {

    public static NotifySettings from(Settings s) {
        String url = s.get("lipdrop.notify.url").trim(), secret = s.get("lipdrop.notify.secret");
        // checked before the allow list is parsed: lipdrop.notify.url's origin is allowed with the list
        if (!url.isEmpty()) check(url, secret, "lipdrop.notify.url");
        return new NotifySettings(url, secret, s.getLong("lipdrop.notify.poll-millis"), s.getLong("lipdrop.notify.retry-initial-millis"),
                s.getLong("lipdrop.notify.retry-max-millis"), Duration.ofMinutes(s.getLong("lipdrop.notify.give-up-minutes")),
                Duration.ofSeconds(s.getLong("lipdrop.notify.timeout-seconds")), AllowedTargets.parse(s.get("lipdrop.notify.allow"), url));
    }

    /** Refuses a URL LipDrop cannot post to, or one it could not sign for; {@code origin} names where it was set. */
    public void check(String callbackUrl, String origin) { check(callbackUrl, secret, origin); }

    private static void check(String callbackUrl, String secret, String origin) {
        URI uri;
        try {
            uri = URI.create(callbackUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " '" + shown(callbackUrl) + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(origin + " '" + shown(callbackUrl) + "' must be an http:// or https:// URL with a host");
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(origin + " is set but lipdrop.notify.secret is empty: callbacks are signed with it "
                    + "(HMAC-SHA256) so the receiver can tell them from forged ones; set LIPDROP_NOTIFY_SECRET to a long random "
                    + "string shared with the receiver");
        }
    }

    /** A URL as the log may show it: scheme, host and port only (paths and queries of webhooks often hold tokens). */
    public static String shown(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) return "(not a URL)";
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + "/…";
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }

    @Override
    public String toString() {
        return "NotifySettings[" + (url.isEmpty() ? "no URL" : shown(url)) + ", secret " + (secret.isEmpty() ? "none" : "set") + "]";
    }
}
