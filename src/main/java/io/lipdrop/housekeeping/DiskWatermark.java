package io.lipdrop.housekeeping;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.DoubleSupplier;

/**
 * Watches how full LipDrop's disk is. Above the high mark intake is suspended (new drops wait in the
 * inbox, nothing is lost), a purge runs at once and the health check goes DOWN; below the low mark
 * intake resumes. The gap between the marks keeps it from flapping.
 */
public final class DiskWatermark {
    private static final Logger LOG = LoggerFactory.getLogger(DiskWatermark.class);

    private final DoubleSupplier usage;
    private final HousekeepingSettings settings;
    private final Runnable purge;
    private volatile IntakeSwitch intake;
    private volatile boolean suspended;
    private volatile double lastUsage;

    /** @param usage fraction of the disk in use, 0..1 (injectable for tests) */
    public DiskWatermark(DoubleSupplier usage, HousekeepingSettings settings, Runnable purge) {
        this.usage = usage;
        this.settings = settings;
        this.purge = purge;
    }

    public void intake(IntakeSwitch intake) { this.intake = intake; }

    /** The used fraction of the file system holding {@code path}. */
    public static DoubleSupplier fileSystemOf(Path path) {
        return () -> {
            try {
                FileStore fs = Files.getFileStore(path);
                return 1.0 - (double) fs.getUsableSpace() / fs.getTotalSpace();
            } catch (IOException e) {
                return 0;
            }
        };
    }

    /** Called every minute by the disk-watermark route. */
    public synchronized void check() throws Exception {
        double used = usage.getAsDouble();
        lastUsage = used;
        if (!suspended && used >= settings.highMark()) {
            LOG.warn("disk {}% full (high mark {}%): intake suspended, new drops wait in the inbox; purging now",
                    pct(used), pct(settings.highMark()));
            if (intake != null) intake.suspend();
            suspended = true;
            purge.run();
            used = usage.getAsDouble();
            lastUsage = used;
        }
        if (suspended && used < settings.lowMark()) {
            if (intake != null) intake.resume();
            suspended = false;
            LOG.info("disk {}% full (below the low mark {}%): intake resumed", pct(used), pct(settings.lowMark()));
        }
    }

    public boolean isSuspended() { return suspended; }
    public double lastUsage() { return lastUsage; }
    public double highMark() { return settings.highMark(); }

    private static long pct(double v) { return Math.round(v * 100); }
}
