package io.lipdrop.web;

import io.lipdrop.Settings;

import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the jobs page and its API listen (the management server of camel.management.host/port, beside
 * /observe/health) and who may use them: anyone on this machine while it listens on loopback; with a bearer
 * token ({@code lipdrop.api.token}) when it listens on any other address, and no start without one.
 */
public record WebSettings(boolean enabled, String host, int port, String token, long uploadMaxBytes) {

    public static WebSettings from(Settings s) {
        long maxMb = s.getLong("lipdrop.web.upload-max-mb");
        if (maxMb <= 0) throw new IllegalArgumentException("setting lipdrop.web.upload-max-mb must be above 0, not " + maxMb);
        WebSettings w = new WebSettings(Boolean.parseBoolean(s.get("camel.management.enabled")), s.get("camel.management.host"),
                s.getInt("camel.management.port"), s.get("lipdrop.api.token"), maxMb * 1024 * 1024);
        if (w.enabled() && !w.loopback() && w.token().isEmpty()) {
            String why = "the jobs page and API would listen on " + w.host() + ", which is not loopback, without a "
                    + "token: set lipdrop.api.token (LIPDROP_API_TOKEN) to a long random secret, or camel.management.host=127.0.0.1";
            LoggerFactory.getLogger(WebSettings.class).error(why);
            throw new IllegalStateException(why);
        }
        return w;
    }

    /** True when only this machine can connect: then reading needs no token (a POST needs the local one or the page's CSRF header). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // a name that does not resolve here is treated as reachable from outside
        }
    }

    /** A token is asked for: always when one is set (also on loopback), so a set token is never ignored silently. */
    public boolean tokenRequired() { return !token.isEmpty(); }
}
