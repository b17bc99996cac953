package io.lipdrop.housekeeping;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watermark against a real Camel route called "intake", with the disk reading injected. */
class DiskWatermarkTest {
    @Test
    void aboveTheHighMarkIntakeIsSuspendedAndAPurgeRunsBelowTheLowMarkItResumes() throws Exception {
        AtomicReference<Double> usage = new AtomicReference<>(0.5);
        AtomicInteger purges = new AtomicInteger();
        HousekeepingSettings marks = new HousekeepingSettings(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(1),
                Duration.ofDays(30), 0.9, 0.8);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:inbox?period=100").routeId("intake").log("polling");
                }
            });
            camel.start();
            DiskWatermark w = new DiskWatermark(usage::get, marks, purges::incrementAndGet);
            w.intake(new RouteIntakeSwitch(camel, "intake"));

            w.check();
            assertEquals(ServiceStatus.Started, camel.getRouteController().getRouteStatus("intake"));
            usage.set(0.93);
            w.check();
            assertTrue(w.isSuspended());
            assertEquals(ServiceStatus.Suspended, camel.getRouteController().getRouteStatus("intake"));
            assertEquals(1, purges.get(), "a purge runs at once");
            usage.set(0.85);
            w.check();
            assertEquals(ServiceStatus.Suspended, camel.getRouteController().getRouteStatus("intake"), "between the marks: no flapping");
            assertEquals(1, purges.get());
            usage.set(0.79);
            w.check();
            assertFalse(w.isSuspended());
            assertEquals(ServiceStatus.Started, camel.getRouteController().getRouteStatus("intake"));
        }
    }
}
