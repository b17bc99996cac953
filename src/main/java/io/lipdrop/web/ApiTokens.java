package io.lipdrop.web;

import io.lipdrop.secrets.SecretFile;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The bearer token an API client (curl, bin/lipdrop) proves a request with: lipdrop.api.token when set, else the
 * local token the service keeps in data/api.token (0600), which only the service's user and root can read. A
 * browser cannot send an Authorization header cross-site without a CORS preflight, which LipDrop never grants.
 */
public final class ApiTokens {
    static final String LOCAL_FILE = "api.token";
    private static final String COOKIE = "lipdrop_token";

    private final boolean configured;
    private final TokenCheck accepted;

    private ApiTokens(boolean configured, String token) {
        this.configured = configured;
        this.accepted = new TokenCheck(token);
    }

    /** The service's: the configured token, else the local one, read from or made in {@code dataDir}/api.token. */
    public static ApiTokens forService(WebSettings web, Path dataDir) {
        if (web.tokenRequired()) return new ApiTokens(true, web.token());
        try {
            SecretFile.ownerOnlyFolder(dataDir);
            return new ApiTokens(false, SecretFile.readOrCreate(dataDir.resolve(LOCAL_FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local API token " + dataDir.resolve(LOCAL_FILE), e);
        }
    }

    /** The token a command line tool on this machine sends when none is configured; null if it cannot read one. */
    public static String local(Path dataDir) {
        try {
            return SecretFile.read(dataDir.resolve(LOCAL_FILE));
        } catch (IOException e) {
            return null; // another user's service: the request goes without, and a POST is refused with a reason
        }
    }

    /** lipdrop.api.token is set: every /api and /files request needs it (header or the page's cookie). */
    boolean required() { return configured; }

    /** The Authorization header carries the accepted token: the request comes from an API client, not a page. */
    boolean bearer(RoutingContext ctx) {
        String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) && accepted.matches(h.substring(7).strip());
    }

    /** The configured token, from the header or from the cookie the page set when it asked for it. */
    boolean presented(RoutingContext ctx) {
        if (bearer(ctx)) return true;
        Cookie c = ctx.request().getCookie(COOKIE);
        return configured && c != null && accepted.matches(SafePaths.decode(c.getValue()));
    }
}
