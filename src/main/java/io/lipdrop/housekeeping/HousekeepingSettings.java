package io.lipdrop.housekeeping;

import io.lipdrop.Settings;

import java.time.Duration;

/**
 * Retentions and marks for the upkeep pass and the disk watermark. The log settings are Log4j's to apply
 * ({@link LogRolling}); they are checked here so that a wrong value stops the start with the others.
 */
public record HousekeepingSettings(Duration outboxRetention, Duration archiveRetention, double highMark, double lowMark) {

    public static HousekeepingSettings from(Settings s) {
        double high = Double.parseDouble(s.get("lipdrop.disk.high-mark-percent")) / 100;
        double low = Double.parseDouble(s.get("lipdrop.disk.low-mark-percent")) / 100;
        if (low >= high) throw new IllegalArgumentException("lipdrop.disk.low-mark-percent must be below lipdrop.disk.high-mark-percent");
        LogRolling.from(s.asProperties());
        return new HousekeepingSettings(Duration.ofDays(s.getLong("lipdrop.housekeeping.outbox-retention-days")),
                Duration.ofDays(s.getLong("lipdrop.housekeeping.archive-retention-days")), high, low);
    }
}
