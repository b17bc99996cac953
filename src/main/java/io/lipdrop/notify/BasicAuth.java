package io.lipdrop.notify;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A URL's user and password ({@code https://user:pass@host/...}) as an HTTP Basic Authorization header, since a
 * receiver that asks for them expects them there. Each part is percent-decoded on its own, so an encoded colon
 * ({@code %3A}) stays in the user name. The value is a credential: it is never logged.
 */
final class BasicAuth {
    private BasicAuth() {}

    static Optional<String> of(URI url) {
        String raw = url.getRawUserInfo();
        if (raw == null || raw.isEmpty()) return Optional.empty();
        int colon = raw.indexOf(':');
        String user = decode(colon < 0 ? raw : raw.substring(0, colon));
        String password = colon < 0 ? "" : decode(raw.substring(colon + 1));
        String pair = user + ":" + password;
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** Percent-decoding as in a URI: a + is a plus, not a space (URLDecoder decodes forms). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
