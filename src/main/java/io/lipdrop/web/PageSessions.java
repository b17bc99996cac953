package io.lipdrop.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The jobs page's proof that a POST comes from it: a random session cookie (HttpOnly, SameSite=Strict) and a CSRF
 * token, HMAC-SHA256 of the session id under a key made at start and kept in memory only, that the page receives
 * in its HTML and sends back in the X-LipDrop-CSRF header. Another site can make the browser send the cookie
 * (127.0.0.1 on another port is even the same site), but can neither read the token nor set that header. No
 * session table: the HMAC is the check, and a restart (new key) only asks open pages to be reloaded.
 */
final class PageSessions {
    static final String COOKIE = "lipdrop_session";
    static final String HEADER = "X-LipDrop-CSRF";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    PageSessions() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    /** The request's session, or a new one set as its cookie; returns the CSRF token for the page to carry. */
    String csrfForPage(RoutingContext ctx) {
        String session = session(ctx);
        if (session == null) {
            byte[] id = new byte[32];
            RANDOM.nextBytes(id);
            session = B64.encodeToString(id);
            ctx.response().addCookie(Cookie.cookie(COOKIE, session).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/"));
        }
        return csrf(session);
    }

    /** The X-LipDrop-CSRF header is the token of the request's session cookie. */
    boolean proven(RoutingContext ctx) {
        String session = session(ctx);
        String presented = ctx.request().getHeader(HEADER);
        return session != null && presented != null
                && MessageDigest.isEqual(csrf(session).getBytes(StandardCharsets.US_ASCII), presented.strip().getBytes(StandardCharsets.US_ASCII));
    }

    private static String session(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return c != null && c.getValue().matches("[A-Za-z0-9_-]{43}") ? c.getValue() : null;
    }

    private String csrf(String session) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return B64.encodeToString(mac.doFinal(session.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JDK has HmacSHA256
        }
    }
}
