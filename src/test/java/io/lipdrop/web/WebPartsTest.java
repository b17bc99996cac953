package io.lipdrop.web;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small rules under the API, each on its own: byte ranges, names shown as text, path checks, the token. */
class WebPartsTest {
    @TempDir Path tmp;

    @Test
    void byteRangesFollowTheRfc() {
        assertArrayEquals(new long[] {0, 99}, ByteRange.parse("bytes=0-99", 1000));
        assertArrayEquals(new long[] {900, 999}, ByteRange.parse("bytes=900-", 1000));
        assertArrayEquals(new long[] {500, 999}, ByteRange.parse("bytes=-500", 1000));
        assertArrayEquals(new long[] {0, 999}, ByteRange.parse("bytes=-5000", 1000));
        assertArrayEquals(new long[] {990, 999}, ByteRange.parse("bytes=990-2000", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", 1000));
        assertNull(ByteRange.parse("bytes=0-1,5-9", 1000), "several ranges: the whole file");
        assertNull(ByteRange.parse("items=0-1", 1000));
        assertNull(ByteRange.parse("bytes=x-y", 1000));
        assertNull(ByteRange.parse(null, 1000));
    }

    @Test
    void pathsStayInsideTheirFolder() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("outbox"));
        Files.writeString(root.resolve("a b.mp4"), "x");
        assertEquals(root.resolve("a b.mp4").toRealPath(), SafePaths.existingFile(root, "a%20b.mp4").orElseThrow());
        for (String bad : new String[] {"../x", "%2e%2e/x", "%2E%2E%2Fx", "a/../../x", "/etc/passwd", "%2Fetc%2Fpasswd", "a%00b", "a%5c..%5cb",
                "C:%5Cx", "%", "%zz", "%c0%ae%c0%ae/x", ".hidden"}) {
            assertThrows(SafePaths.Refused.class, () -> SafePaths.existingFile(root, bad), bad);
        }
        Files.writeString(tmp.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("link.mp4"), tmp.resolve("secret"));
        assertThrows(SafePaths.Refused.class, () -> SafePaths.existingFile(root, "link.mp4"));
        assertFalse(SafePaths.existingFile(root, "missing.mp4").isPresent());
    }

    @Test
    void theTokenMustMatchExactly() {
        TokenCheck t = new TokenCheck("secret-token");
        assertTrue(t.matches("secret-token"));
        assertFalse(t.matches("secret-token "));
        assertFalse(t.matches("secret-toke"));
        assertFalse(t.matches(""));
        assertFalse(t.matches(null));
    }
}
