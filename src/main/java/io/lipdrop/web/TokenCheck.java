package io.lipdrop.web;

import io.lipdrop.files.ContentHasher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Compares a presented token with lipdrop.api.token in constant time: both are hashed first, so neither the
 * position of the first wrong character nor the token's length shows in how long the answer takes.
 */
public final class TokenCheck {
    private final byte[] expected;

    public TokenCheck(String token) { this.expected = digest(token); }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(expected, digest(presented));
    }

    private static byte[] digest(String s) {
        return ContentHasher.newDigest().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
