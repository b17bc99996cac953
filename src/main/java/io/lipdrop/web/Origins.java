package io.lipdrop.web;

import io.vertx.core.net.HostAndPort;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a POST's Origin header names this server. "null" (a sandboxed frame, a no-referrer form, a file: page)
 * and anything that is not http(s)://host[:port] is foreign: a real page of ours always sends its own origin.
 */
final class Origins {
    private Origins() {}

    /** @param authority the request's Host (HTTP/1.1) or :authority (HTTP/2) */
    static boolean same(String origin, HostAndPort authority) {
        if (origin == null || authority == null) return false;
        URI u;
        try {
            u = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        // getHost() is null for "http://127.0.0.1:8780.evil.example" (a port that is not a number): foreign
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawUserInfo() != null) return false;
        if (u.getRawPath() != null && !u.getRawPath().isEmpty() || u.getRawQuery() != null || u.getRawFragment() != null) return false;
        int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        int ours = authority.port() >= 0 ? authority.port() : 80;
        return host(u.getHost()).equals(host(authority.host())) && port == ours;
    }

    private static String host(String h) {
        String s = h.toLowerCase(Locale.ROOT);
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }
}
