package io.lipdrop.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one exponential backoff of the retries (S3 uploads, callbacks): bounds, doubling, cap, no jitter. */
class BackoffTest {
    @Test
    void doublesFromTheInitialWaitUpToTheCap() {
        Backoff b = new Backoff(2_000, 300_000); // lipdrop.s3.retry-initial-millis, -max-millis
        assertEquals(2_000, b.delayMillis(0), "the first failure waits the initial time");
        assertEquals(4_000, b.delayMillis(1));
        assertEquals(8_000, b.delayMillis(2));
        assertEquals(256_000, b.delayMillis(7));
        assertEquals(300_000, b.delayMillis(8), "capped");
        assertEquals(300_000, b.delayMillis(1_000), "however many failures, no overflow");
        assertEquals(300_000, b.delayMillis(Integer.MAX_VALUE));
        for (int n = 0; n < 100; n++) {
            long d = b.delayMillis(n);
            assertEquals(d, b.delayMillis(n), "no jitter: the same wait every time");
            assertEquals(Math.min(300_000, 2_000L * (1L << Math.min(n, 20))), d, "attempt " + n);
        }
    }

    @Test
    void edgeValues() {
        assertEquals(1_000, new Backoff(1_000, 1_000).delayMillis(0));
        assertEquals(500, new Backoff(5_000, 500).delayMillis(0), "an initial wait above the cap is the cap");
        assertEquals(1_000, new Backoff(1_000, 60_000).delayMillis(-3), "a negative count is the first failure");
        assertEquals(0, new Backoff(0, 60_000).delayMillis(50), "no wait stays no wait");
        assertEquals(Long.MAX_VALUE, new Backoff(3, Long.MAX_VALUE).delayMillis(70));
        assertEquals(3L << 61, new Backoff(3, Long.MAX_VALUE).delayMillis(61), "the last doubling that fits");
        assertThrows(IllegalArgumentException.class, () -> new Backoff(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, -10));
    }
}
