package io.lipdrop.ops;

import io.lipdrop.intake.MediaTypes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The gauges read at scrape time: files waiting in the inbox, uploads pending, disk used per folder and
 * free on the home's file system, the model and provider, GPU memory where nvidia-smi exists.
 * Walking folders is cached for a while so a scrape stays cheap however full the disk is.
 */
public final class ServiceGauges {
    private static final long CACHE_MILLIS = 15_000;

    private record Cached(long value, long at) {}

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public void register(LipDropMetrics m, Path home, Map<String, Path> folders, Path inbox, LongSupplier pendingUploads,
                         String model, String provider) {
        m.gauge("lipdrop.info", "Model and execution provider in use (always 1)", () -> 1, "model", model, "provider", provider);
        m.gauge("lipdrop.inbox.files", "Files in the inbox (waiting or in progress)", () -> cached("inbox", () -> countFiles(inbox)));
        m.gauge("lipdrop.uploads.pending", "Outbox files waiting to be confirmed in S3", pendingUploads::getAsLong);
        folders.forEach((name, dir) -> m.gauge("lipdrop.disk.used.bytes", "Bytes used by a LipDrop folder",
                () -> cached("du:" + name, () -> bytesUnder(dir)), "folder", name));
        m.gauge("lipdrop.disk.free.bytes", "Bytes free on the file system of LIPDROP_HOME", () -> store(home, true));
        m.gauge("lipdrop.disk.total.bytes", "Size of the file system of LIPDROP_HOME", () -> store(home, false));
        // NaN without an NVIDIA GPU: the series exists for dashboards, and says "not measured" rather than 0
        boolean gpu = nvidiaSmi() != null;
        m.gauge("lipdrop.gpu.memory.used.bytes", "GPU memory in use (nvidia-smi); NaN without a GPU",
                () -> gpu ? cached("gpu", ServiceGauges::gpuMemoryUsed) : Double.NaN);
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

    private static long store(Path home, boolean free) {
        try {
            FileStore fs = Files.getFileStore(home);
            return free ? fs.getUsableSpace() : fs.getTotalSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    static String nvidiaSmi() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "nvidia-smi");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    static long gpuMemoryUsed() {
        try {
            Process p = new ProcessBuilder(nvidiaSmi(), "--query-gpu=memory.used", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            long mib = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = r.readLine()) != null; ) mib += Long.parseLong(line.trim());
            }
            p.waitFor(5, TimeUnit.SECONDS);
            return mib * 1024 * 1024;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
