package io.lipdrop.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The {@code X-LipDrop-Signature} header: {@code sha256=} and the hex HMAC-SHA256 of the exact body bytes
 * with lipdrop.notify.secret, as GitHub signs its webhooks, so receivers can reuse what they have.
 */
public final class CallbackSignature {
    public static final String HEADER = "X-LipDrop-Signature";
    public static final String EVENT_HEADER = "X-LipDrop-Event";
    public static final String DELIVERY_HEADER = "X-LipDrop-Delivery";
    private static final String PREFIX = "sha256=";

    private CallbackSignature() {}

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** What a receiver does: recompute and compare in constant time. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null) return false;
        return MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }
}
