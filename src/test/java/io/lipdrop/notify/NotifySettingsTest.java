package io.lipdrop.notify;

import io.lipdrop.Settings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotifySettingsTest {
    private static NotifySettings load(String url, String secret) {
        Properties p = new Properties();
        p.setProperty("lipdrop.notify.url", url);
        p.setProperty("lipdrop.notify.secret", secret);
        return NotifySettings.from(Settings.load(Map.of(), p));
    }

    @Test
    void aUrlWithoutASecretIsRefusedWithWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load("https://hooks.example.com/lipdrop", ""));
        assertTrue(e.getMessage().startsWith("lipdrop.notify.url is set but lipdrop.notify.secret is empty"), e.getMessage());
        assertTrue(e.getMessage().contains("LIPDROP_NOTIFY_SECRET"), e.getMessage());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class, () -> load("ftp://example.com/x", "s"));
        assertEquals("lipdrop.notify.url 'ftp://example.com/…' must be an http:// or https:// URL with a host", ftp.getMessage());
        assertEquals("", load("", "").url(), "no URL: no callbacks, nothing to refuse");
        assertEquals("https://hooks.example.com/lipdrop", load("https://hooks.example.com/lipdrop", "s").url());
    }

    @Test
    void aBadAllowEntryStopsTheStartNamingIt() {
        Properties p = new Properties();
        p.setProperty("lipdrop.notify.allow", "hooks.example.com, 10.0.0.0/33");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifySettings.from(Settings.load(Map.of(), p)));
        assertTrue(e.getMessage().startsWith("lipdrop.notify.allow: '10.0.0.0/33' is not a host"), e.getMessage());
        p.setProperty("lipdrop.notify.allow", "hooks.example.com");
        p.setProperty("lipdrop.notify.url", "https://own.example.com/h");
        p.setProperty("lipdrop.notify.secret", "s");
        assertEquals("own.example.com:443 (lipdrop.notify.url), hooks.example.com",
                NotifySettings.from(Settings.load(Map.of(), p)).allowed().describe());
    }

    @Test
    void theLogShowsTheHostOnlyNeverAWebhooksTokenInItsPathOrQuery() {
        assertEquals("https://hooks.example.com/…", NotifySettings.shown("https://hooks.example.com/services/T0/B0/XXXX?token=abc"));
        assertEquals("http://127.0.0.1:8080/…", NotifySettings.shown("http://127.0.0.1:8080/hook"));
        assertFalse(load("https://h.example.com/secret-path", "the-secret").toString().contains("secret-path"));
        assertFalse(load("https://h.example.com/secret-path", "the-secret").toString().contains("the-secret"));
    }

    /** RFC 4231, test case 2: the signature is the standard HMAC-SHA256, which any receiver's library computes. */
    @Test
    void theSignatureIsHmacSha256OfTheBody() {
        byte[] body = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        String expected = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assertEquals(expected, CallbackSignature.sign("Jefe", body));
        assertTrue(CallbackSignature.verify("Jefe", body, expected));
        assertFalse(CallbackSignature.verify("Jeff", body, expected), "a wrong secret fails");
        body[0] ^= 1;
        assertFalse(CallbackSignature.verify("Jefe", body, expected), "a changed body fails");
    }
}
