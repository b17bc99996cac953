package io.lipdrop.ops;

import io.lipdrop.intake.MediaTypes;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.metrics.LipDropMetrics;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The gauges read at scrape time: files waiting in the inbox, uploads pending and how long the oldest has
 * waited, disk used per folder, free on the home's file system and the high mark, the model and provider,
 * GPU memory where nvidia-smi exists. Walking folders and asking the store are cached for a while so a
 * scrape stays cheap however full the disk is.
 */
public final class ServiceGauges {
    private static final long CACHE_MILLIS = 15_000;
    private static final long GPU_REFRESH_MILLIS = 30_000;
    private static final long GPU_TIMEOUT_MILLIS = 10_000;
    /** Pending uploads followed for their age: beyond this many the queue itself is the problem. */
    private static final int AGE_FOLLOWS = 1000;

    private record Cached(long value, long at) {}

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** @param highMark the disk's high mark, 0..1: alert rules compare the used fraction with it, not with a number of their own */
    public void register(LipDropMetrics m, Path home, Map<String, Path> folders, Path inbox, JobStore store, DoubleSupplier highMark,
                         String model, String provider) {
        m.gauge("lipdrop.info", "Model and execution provider in use (always 1)", () -> 1, "model", model, "provider", provider);
        m.gauge("lipdrop.inbox.files", "Files in the inbox (waiting or in progress)", () -> cached("inbox", () -> countFiles(inbox)));
        m.gauge("lipdrop.uploads.pending", "Outbox files waiting to be confirmed in S3", store::pendingDeliveries);
        PendingUploadAge age = new PendingUploadAge(store, System::currentTimeMillis, AGE_FOLLOWS);
        m.gauge("lipdrop.uploads.oldest.pending.seconds", "Seconds the oldest upload has waited, as this node saw it (0: none pending)",
                () -> cached("upload-age", age::seconds));
        folders.forEach((name, dir) -> m.gauge("lipdrop.disk.used.bytes", "Bytes used by a LipDrop folder",
                () -> cached("du:" + name, () -> bytesUnder(dir)), "folder", name));
        m.gauge("lipdrop.disk.free.bytes", "Bytes free on the file system of LIPDROP_HOME", () -> fileSystem(home, true));
        m.gauge("lipdrop.disk.total.bytes", "Size of the file system of LIPDROP_HOME", () -> fileSystem(home, false));
        m.gauge("lipdrop.disk.high.mark.ratio", "Used fraction of the disk above which intake is suspended (lipdrop.disk.high-mark-percent)",
                highMark::getAsDouble);
        registerGpus(m, System.getenv("PATH"));
    }

    /**
     * Memory used and total per GPU, only where nvidia-smi (found on {@code searchPath}) runs: without it the
     * series are absent, so an alert on them cannot fire, rather than a made-up zero.
     */
    static void registerGpus(LipDropMetrics m, String searchPath) {
        NvidiaSmi.onPath(searchPath).flatMap(smi -> NvidiaSmi.open(smi, GPU_REFRESH_MILLIS, GPU_TIMEOUT_MILLIS))
                .ifPresent(smi -> registerGpus(m, smi));
    }

    static void registerGpus(LipDropMetrics m, NvidiaSmi smi) {
        for (String gpu : smi.indexes()) {
            m.gauge("lipdrop.gpu.memory.used.bytes", "GPU memory in use (nvidia-smi)", () -> smi.used(gpu), "gpu", gpu);
            m.gauge("lipdrop.gpu.memory.total.bytes", "GPU memory in all (nvidia-smi)", () -> smi.total(gpu), "gpu", gpu);
        }
    }

    private long cached(String key, LongSupplier compute) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(key);
        if (c == null || now - c.at > CACHE_MILLIS) {
            c = new Cached(compute.getAsLong(), now);
            cache.put(key, c);
        }
        return c.value;
    }

    static long countFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile).filter(p -> !MediaTypes.isTransient(p)).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long bytesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long fileSystem(Path home, boolean free) {
        try {
            FileStore fs = Files.getFileStore(home);
            return free ? fs.getUsableSpace() : fs.getTotalSpace();
        } catch (IOException e) {
            return -1;
        }
    }
}
