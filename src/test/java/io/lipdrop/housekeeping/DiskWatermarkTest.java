package io.lipdrop.housekeeping;

import io.lipdrop.job.IntakeGate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watermark holding the intake gate, with the disk reading injected. */
class DiskWatermarkTest {
    @Test
    void aboveTheHighMarkIntakeIsHeldAndAPurgeRunsBelowTheLowMarkItOpens() throws Exception {
        AtomicReference<Double> usage = new AtomicReference<>(0.5);
        AtomicInteger purges = new AtomicInteger();
        HousekeepingSettings marks = new HousekeepingSettings(Duration.ofDays(7), Duration.ofDays(30), 0.9, 0.8);
        IntakeGate gate = new IntakeGate();
        DiskWatermark w = new DiskWatermark(usage::get, marks, purges::incrementAndGet);
        w.intake(new GateIntakeSwitch(gate));

        w.check();
        assertTrue(gate.isOpen());
        usage.set(0.93);
        w.check();
        assertTrue(w.isSuspended());
        assertFalse(gate.isOpen());
        assertEquals(1, purges.get(), "a purge runs at once");
        usage.set(0.85);
        w.check();
        assertFalse(gate.isOpen(), "between the marks: no flapping");
        assertEquals(1, purges.get());
        usage.set(0.79);
        w.check();
        assertFalse(w.isSuspended());
        assertTrue(gate.isOpen());
    }
}
