package io.lipdrop;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.model.CudaProbe;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * LipDrop's settings, merged in increasing priority: the embedded application.properties,
 * $LIPDROP_HOME/config/application.properties, environment variables (LIPDROP_INTAKE_STABLE_MILLIS for
 * lipdrop.intake.stable-millis) and -D system properties. The same merged values feed Camel's
 * property placeholders, so routes and beans never disagree.
 */
public final class Settings {
    private final Properties values;
    private final Path home;

    private Settings(Properties values) {
        this.values = values;
        this.home = Path.of(values.getProperty("lipdrop.home", ".")).toAbsolutePath().normalize();
    }

    public static Settings load() {
        return load(System.getenv(), System.getProperties());
    }

    public static Settings load(Map<String, String> env, Properties system) {
        Properties p = merged(env, system);
        Settings s = new Settings(p);
        // folders as absolute paths, for Camel's placeholders ({{lipdrop.inbox}}) as well
        for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs", "models")) {
            p.setProperty("lipdrop." + folder, s.folder(folder).toString());
        }
        p.setProperty("lipdrop.home", s.home.toString());
        // a number for the routes' thread pools and throttle ({{lipdrop.jobs.workers}})
        p.setProperty("lipdrop.jobs.workers", String.valueOf(io.lipdrop.jobs.Workers.resolve(p.getProperty("lipdrop.jobs.workers", "auto"),
                p.getProperty("lipdrop.gpus", "auto"), Runtime.getRuntime().availableProcessors())));
        return s;
    }

    /**
     * The values as given, in the order of priority above, with nothing resolved (no folders made absolute, no GPU
     * counted): for Log4j's lookup of the log settings ({@code io.lipdrop.housekeeping.LogRollingLookup}), which runs
     * while logging is being set up and so must not log or probe the machine.
     */
    public static Properties merged(Map<String, String> env, Properties system) {
        Properties p = defaults();
        String home = system.getProperty("lipdrop.home", env.getOrDefault("LIPDROP_HOME", p.getProperty("lipdrop.home")));
        Path local = Path.of(home, "config", "application.properties");
        if (Files.isRegularFile(local)) {
            try (Reader r = Files.newBufferedReader(local)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + local, e);
            }
        }
        for (String key : p.stringPropertyNames()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) p.setProperty(key, fromEnv);
        }
        for (String key : system.stringPropertyNames()) {
            if (key.startsWith("lipdrop.") || key.startsWith("camel.")) p.setProperty(key, system.getProperty(key));
        }
        p.setProperty("lipdrop.home", home);
        return p;
    }

    /** The embedded application.properties alone: every setting's default. */
    public static Properties defaults() {
        Properties p = new Properties();
        try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** lipdrop.intake.stable-millis -> LIPDROP_INTAKE_STABLE_MILLIS */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Path home() { return home; }

    public Path folder(String name) {
        return home.resolve(get("lipdrop." + name)).normalize();
    }

    public String get(String key) {
        String v = values.getProperty(key);
        if (v == null) throw new IllegalArgumentException("missing setting " + key);
        return v.trim();
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + get(key) + "'");
        }
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be a whole number, not '" + get(key) + "'");
        }
    }

    /**
     * True when drops come from the bucket ({@code lipdrop.intake.source=s3}), false for the inbox folder (the default).
     * Bucket mode needs a bucket and a job store the nodes share.
     */
    public boolean bucketIntake() {
        String source = get("lipdrop.intake.source");
        if (source.equals("folder")) return false;
        if (!source.equals("s3")) {
            throw new IllegalArgumentException("setting lipdrop.intake.source must be folder or s3, not '" + source + "'");
        }
        if (get("lipdrop.s3.bucket").isEmpty()) {
            throw new IllegalArgumentException("lipdrop.intake.source=s3 takes drops from lipdrop.s3.bucket, which is empty");
        }
        return true;
    }

    /** All values, for Camel's properties component. */
    public Properties asProperties() {
        Properties copy = new Properties();
        copy.putAll(values);
        // routes/delivery.yaml's trigger: with a shared outbox one node uploads (a master route); in bucket mode each
        // node's outbox is its own, so each uploads what it made
        copy.setProperty("lipdrop.s3.delivery-trigger", bucketIntake() ? "timer:delivery" : "master:lipdrop-delivery:timer:delivery");
        return copy;
    }

    /** The engine of this node's jobs: {@code lipdrop.jobs.workers} of them share the cores. */
    public EngineSettings engine() {
        return engine(getInt("lipdrop.jobs.workers"));
    }

    /** The engine of a job made on its own ({@code bin/lipdrop sync}, the benchmarks): it has every core. */
    public EngineSettings engineForOneJob() {
        return engine(1);
    }

    private EngineSettings engine(int workers) {
        int[] pads = Arrays.stream(get("lipdrop.engine.pads").split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        if (pads.length != 4) throw new IllegalArgumentException("lipdrop.engine.pads needs four numbers: top,bottom,left,right");
        String encoder = get("lipdrop.engine.encoder");
        List<String> encoders = switch (encoder) {
            // libx264 only in the -gpl FFmpeg build (the default); the LGPL build falls through to libopenh264
            case "auto" -> CudaProbe.gpuPresent() ? List.of("h264_nvenc", "libx264", "libopenh264") : List.of("libx264", "libopenh264");
            default -> List.of(encoder.split(","));
        };
        return new EngineSettings(getInt("lipdrop.engine.batch-size"), pads[0], pads[1], pads[2], pads[3],
                getInt("lipdrop.engine.smooth-window"), get("lipdrop.engine.face-detector"),
                getInt("lipdrop.engine.detect-width"), Math.max(1, getInt("lipdrop.engine.detect-every")),
                getInt("lipdrop.engine.video-bitrate"), encoders,
                getInt("lipdrop.engine.queue-frames"), getInt("lipdrop.engine.reverse-chunk"), getInt("lipdrop.engine.mouth-library-size"),
                codecThreads(get("lipdrop.engine.codec-threads"), workers, Runtime.getRuntime().availableProcessors()),
                getLong("lipdrop.jobs.max-audio-minutes") * 60);
    }

    /** OpenCV's threads for this node's jobs ({@link #openCvThreads(String, int, int)}). */
    public int openCvThreads() {
        return openCvThreads(get("lipdrop.engine.opencv-threads"), getInt("lipdrop.jobs.workers"), Runtime.getRuntime().availableProcessors());
    }

    /** OpenCV's threads for a job made on its own ({@code bin/lipdrop sync}): it has every core. */
    public int openCvThreadsForOneJob() {
        return openCvThreads(get("lipdrop.engine.opencv-threads"), 1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code auto}: 1 where a worker has at most {@link #OPENCV_POOL_CORES} cores, else OpenCV's own pool (0, a
     * thread per core). A job's picture stages each run on a thread of their own beside x264's threads, which fill
     * the cores; on few cores OpenCV's pool only adds hand-offs and waiting (the whole process on 2 cores, one worker:
     * 0.92x the CPU and 0.93x the time on a 1080x1920 talking head, 0.94x and 0.97x on the 512x512 news clip, the
     * same pictures). On many cores a large face's paste on one thread could hold the encoder back.
     */
    static int openCvThreads(String value, int workers, int cores) {
        if ("auto".equals(value)) return cores / Math.max(1, workers) <= OPENCV_POOL_CORES ? 1 : 0;
        return threadCount("lipdrop.engine.opencv-threads", value, "OpenCV's own");
    }

    /** The most cores a worker may have for {@code auto} to give OpenCV one thread. */
    static final int OPENCV_POOL_CORES = 4;

    /**
     * {@code auto}: the codec's own count (0) for one worker; with several, the cores shared out between them. A
     * codec's own count is for a job alone on the machine: x264's frame threads and the decoder's slices cost
     * some work to coordinate, which jobs side by side pay twice for nothing. Two FFmpeg encodes of 1080p side by
     * side with one thread each took 0.85x the time of the same two one after the other with their own count.
     */
    static int codecThreads(String value, int workers, int cores) {
        if ("auto".equals(value)) return workers > 1 ? Math.max(1, cores / workers) : 0;
        return threadCount("lipdrop.engine.codec-threads", value, "the codec's own");
    }

    /** A thread setting's number other than {@code auto}: a whole number, 0 meaning {@code zero}'s count. */
    private static int threadCount(String setting, String value, String zero) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + setting + " must be auto or a whole number (0: " + zero + "), not '" + value + "'");
    }
}
