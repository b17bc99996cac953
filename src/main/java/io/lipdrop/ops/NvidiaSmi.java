package io.lipdrop.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * GPU memory per GPU, read with nvidia-smi. A scrape only reads the last result: when that is older than the
 * refresh interval a background thread runs nvidia-smi again, so a slow or hung driver never holds a scrape
 * (nvidia-smi can take seconds, and hangs outright when a GPU falls off the bus).
 */
final class NvidiaSmi {
    private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmi.class);
    static final List<String> QUERY = List.of("--query-gpu=index,memory.used,memory.total", "--format=csv,noheader,nounits");
    private static final long MIB = 1024L * 1024;

    /** One GPU's memory in bytes; NaN where nvidia-smi says [N/A] or [Not Supported]. */
    record Gpu(String index, double usedBytes, double totalBytes) {}

    private final Path executable;
    private final long refreshMillis;
    private final long timeoutMillis;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile Map<String, Gpu> latest;
    private volatile long readAt;
    private volatile boolean failing;

    private NvidiaSmi(Path executable, long refreshMillis, long timeoutMillis, Map<String, Gpu> first) {
        this.executable = executable;
        this.refreshMillis = refreshMillis;
        this.timeoutMillis = timeoutMillis;
        this.latest = first;
        this.readAt = System.currentTimeMillis();
    }

    /** nvidia-smi on this PATH, if any. */
    static Optional<Path> onPath(String path) {
        for (String dir : (path == null ? "" : path).split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "nvidia-smi");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * Reads once, at start rather than on a scrape, to learn which GPUs there are; empty (with one log line
     * saying why) when nvidia-smi fails or lists none, e.g. it is installed but the driver is not loaded.
     */
    static Optional<NvidiaSmi> open(Path executable, long refreshMillis, long timeoutMillis) {
        try {
            Map<String, Gpu> gpus = read(executable, timeoutMillis);
            if (gpus.isEmpty()) {
                LOG.info("{} lists no GPU: no GPU memory metrics", executable);
                return Optional.empty();
            }
            return Optional.of(new NvidiaSmi(executable, refreshMillis, timeoutMillis, gpus));
        } catch (IOException | RuntimeException e) {
            LOG.info("no GPU memory metrics: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The GPUs found at start, by index. */
    List<String> indexes() { return List.copyOf(latest.keySet()); }

    /** The last reading for this GPU (NaN after a failed read), starting a new read in the background when it is stale. */
    double used(String index) {
        refreshIfStale();
        Gpu g = latest.get(index);
        return g == null ? Double.NaN : g.usedBytes();
    }

    double total(String index) {
        refreshIfStale();
        Gpu g = latest.get(index);
        return g == null ? Double.NaN : g.totalBytes();
    }

    private void refreshIfStale() {
        if (System.currentTimeMillis() - readAt < refreshMillis || !reading.compareAndSet(false, true)) return;
        Thread t = new Thread(this::refresh, "lipdrop-nvidia-smi");
        t.setDaemon(true);
        t.start();
    }

    private void refresh() {
        try {
            latest = read(executable, timeoutMillis);
            if (failing) LOG.info("{} answers again", executable);
            failing = false;
        } catch (IOException | RuntimeException e) {
            // no reading beats a stale one: the gauges show NaN rather than memory use from minutes ago
            latest = Map.of();
            if (!failing) LOG.warn("GPU memory metrics are NaN until nvidia-smi answers again: {}", e.getMessage());
            failing = true;
        } finally {
            readAt = System.currentTimeMillis();
            reading.set(false);
        }
    }

    private static Map<String, Gpu> read(Path executable, long timeoutMillis) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.addAll(QUERY);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            // the answer is one short line per GPU, far below a pipe's buffer: waiting first cannot dead-lock
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(executable + " did not answer within " + timeoutMillis + " ms");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(executable + " was interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(executable + " exited with " + p.exitValue() + ": " + out.strip().replaceAll("\\s+", " "));
        }
        Map<String, Gpu> gpus = new LinkedHashMap<>();
        for (Gpu g : parse(out)) gpus.put(g.index(), g);
        return gpus;
    }

    /** Parses the answer to {@link #QUERY}: one line per GPU, "index, used MiB, total MiB". */
    static List<Gpu> parse(String output) {
        List<Gpu> gpus = new ArrayList<>();
        String[] lines = output.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] f = line.split(",");
            if (f.length != 3 || f[0].isBlank()) {
                throw new IllegalArgumentException("nvidia-smi line " + (i + 1) + " \"" + line
                        + "\" is not \"index, memory.used, memory.total\"");
            }
            gpus.add(new Gpu(f[0].strip(), mib(f[1], "memory.used", i, line), mib(f[2], "memory.total", i, line)));
        }
        return gpus;
    }

    private static double mib(String field, String name, int i, String line) {
        String v = field.strip();
        if (v.startsWith("[")) return Double.NaN; // [N/A], [Not Supported]: the GPU does not report it
        try {
            return Double.parseDouble(v) * MIB;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nvidia-smi line " + (i + 1) + " \"" + line + "\": " + name + " \"" + v
                    + "\" is not a number of MiB");
        }
    }
}
