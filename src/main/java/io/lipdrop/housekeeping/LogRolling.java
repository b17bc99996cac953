package io.lipdrop.housekeeping;

import java.util.Properties;

/**
 * How Log4j rolls, compresses and expires {@code logs/lipdrop.log}: the settings
 * {@code lipdrop.housekeeping.compress-logs-after-hours} and {@code lipdrop.housekeeping.log-retention-days}, as
 * src/main/resources/log4j2.xml reads them through {@link LogRollingLookup}. The log rolls every
 * {@code rollHours} (aligned to midnight when that is whole days) and at 50 MB; Log4j gzips each rolled file as it
 * rolls, and at each roll deletes the rolled files last written more than {@code retentionDays} ago.
 */
public record LogRolling(long rollHours, long retentionDays) {
    static final String ROLL_HOURS = "lipdrop.housekeeping.compress-logs-after-hours";
    static final String RETENTION_DAYS = "lipdrop.housekeeping.log-retention-days";

    /** @param p merged settings ({@code io.lipdrop.Settings}); a value that is not a whole number of at least 1 is refused */
    public static LogRolling from(Properties p) {
        return new LogRolling(positive(p, ROLL_HOURS), positive(p, RETENTION_DAYS));
    }

    /** The date in a rolled file's name ({@code lipdrop-2026-11-20-1.log.gz}): by day for whole days, else by hour. */
    public String datePattern() {
        return rollHours % 24 == 0 ? "yyyy-MM-dd" : "yyyy-MM-dd-HH";
    }

    /** The roll period in units of {@link #datePattern()}'s last field (TimeBasedTriggeringPolicy's interval). */
    public long interval() {
        return rollHours % 24 == 0 ? rollHours / 24 : rollHours;
    }

    /** The age at which a rolled file is deleted, in Log4j's duration format (IfLastModified's age). */
    public String retention() {
        return retentionDays + "d";
    }

    private static long positive(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        try {
            long n = Long.parseLong(v);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + key + " must be a whole number of at least 1, not '" + v + "'");
    }
}
