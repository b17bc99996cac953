package io.lipdrop.housekeeping;

import io.lipdrop.Settings;

import java.time.Duration;

/** Retentions and marks for the upkeep pass and the disk watermark. */
public record HousekeepingSettings(Duration outboxRetention, Duration archiveRetention, Duration compressLogsAfter,
                                   Duration logRetention, double highMark, double lowMark) {

    public static HousekeepingSettings from(Settings s) {
        double high = Double.parseDouble(s.get("lipdrop.disk.high-mark-percent")) / 100;
        double low = Double.parseDouble(s.get("lipdrop.disk.low-mark-percent")) / 100;
        if (low >= high) throw new IllegalArgumentException("lipdrop.disk.low-mark-percent must be below lipdrop.disk.high-mark-percent");
        return new HousekeepingSettings(Duration.ofDays(s.getLong("lipdrop.housekeeping.outbox-retention-days")),
                Duration.ofDays(s.getLong("lipdrop.housekeeping.archive-retention-days")),
                Duration.ofHours(s.getLong("lipdrop.housekeeping.compress-logs-after-hours")),
                Duration.ofDays(s.getLong("lipdrop.housekeeping.log-retention-days")), high, low);
    }
}
