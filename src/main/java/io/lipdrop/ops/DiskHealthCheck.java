package io.lipdrop.ops;

import io.lipdrop.housekeeping.DiskWatermark;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** DOWN while the disk is above the high mark and intake is suspended. */
public final class DiskHealthCheck extends AbstractHealthCheck {
    private final DiskWatermark watermark;

    public DiskHealthCheck(DiskWatermark watermark) {
        super("lipdrop", "disk");
        this.watermark = watermark;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long used = Math.round(watermark.lastUsage() * 100);
        builder.detail("usedPercent", used);
        if (watermark.isSuspended()) {
            builder.message("disk " + used + "% full, above the high mark " + Math.round(watermark.highMark() * 100)
                    + "%: intake is suspended").down();
        } else {
            builder.up();
        }
    }
}
