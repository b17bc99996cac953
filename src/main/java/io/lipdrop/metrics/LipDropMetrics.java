package io.lipdrop.metrics;

import io.lipdrop.lipsync.SyncResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * LipDrop's own meters, all named lipdrop_* in Prometheus. Timers publish fixed histogram buckets
 * (which sum across instances) rather than client-side percentiles (which do not, and which Camel's
 * Prometheus exposition drops anyway).
 */
public final class LipDropMetrics {
    private static final Duration[] BUCKETS = {ms(10), ms(50), ms(100), ms(250), ms(500), s(1), s(2), s(5), s(10), s(30),
            s(60), s(120), s(300), s(600), s(1800), s(3600)};

    private static final double[] MOVEMENT_BUCKETS = {0.25, 0.5, 1, 2, 4, 8, 16};

    private final MeterRegistry registry;
    private final Map<String, Timer> stages = new ConcurrentHashMap<>();
    private final AtomicReference<Double> framesPerSecond = new AtomicReference<>(0.0);

    public LipDropMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("lipdrop.frames.per.second", framesPerSecond, AtomicReference::get)
                .description("Frames per second of the job in progress, or of the last one").register(registry);
        // every series a dashboard queries exists from the first scrape, at zero
        for (String outcome : new String[] {"done", "failed", "duplicate", "quarantined"}) {
            Counter.builder("lipdrop.jobs").description("Jobs by outcome").tag("outcome", outcome).register(registry);
        }
        jobDuration();
        Counter.builder("lipdrop.frames").description("Frames written").register(registry);
        Counter.builder("lipdrop.frames.without.face").description("Frames that passed through without a face").register(registry);
        Counter.builder("lipdrop.face.boxes.refused").description("Face boxes the landmark check refused").register(registry);
        DistributionSummary.builder("lipdrop.face.mouth.movement.pixels")
                .description("Mean frame-to-frame movement of the smoothed mouth centre per job, pixels")
                .serviceLevelObjectives(MOVEMENT_BUCKETS).register(registry);
        Counter.builder("lipdrop.uploaded.bytes").description("Bytes delivered to S3").register(registry);
        Counter.builder("lipdrop.purged.files").description("Files deleted by housekeeping").register(registry);
        Counter.builder("lipdrop.purged.bytes").description("Bytes freed by housekeeping").register(registry);
    }

    /** For beans used without the service (tests, the sync command). */
    public static LipDropMetrics none() { return new LipDropMetrics(new SimpleMeterRegistry()); }

    /** done, failed (an attempt), duplicate (skipped), quarantined. */
    public void outcome(String outcome) {
        Counter.builder("lipdrop.jobs").description("Jobs by outcome").tag("outcome", outcome).register(registry).increment();
    }

    public void jobFinished(SyncResult r, double hashSeconds) {
        jobDuration().record(Math.round(r.wallSeconds() * 1e9), TimeUnit.NANOSECONDS);
        stage("hash", hashSeconds);
        r.stageSeconds().forEach(this::stage);
        Counter.builder("lipdrop.frames").description("Frames written").register(registry).increment(r.frames());
        Counter.builder("lipdrop.frames.without.face").description("Frames that passed through without a face")
                .register(registry).increment(r.frames() - r.framesWithFace());
        framesPerSecond.set(r.framesPerSecond());
        Counter.builder("lipdrop.face.boxes.refused").description("Face boxes the landmark check refused")
                .register(registry).increment(r.face().refused());
        if (!Double.isNaN(r.face().mouthMovementPixels())) {
            DistributionSummary.builder("lipdrop.face.mouth.movement.pixels")
                    .description("Mean frame-to-frame movement of the smoothed mouth centre per job, pixels")
                    .serviceLevelObjectives(MOVEMENT_BUCKETS).register(registry).record(r.face().mouthMovementPixels());
        }
    }

    /** Buckets, not client-side percentiles: the p95 alert and panel take histogram_quantile over them, summed across nodes. */
    private Timer jobDuration() {
        return Timer.builder("lipdrop.job.duration").description("Time to make one video").serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** Busy seconds of one pipeline stage in one job: hash, mel, library, decode, detect, inference, blend, encode, upload. */
    public void stage(String stage, double seconds) {
        stages.computeIfAbsent(stage, s -> Timer.builder("lipdrop.stage").description("Busy time per stage and job")
                        .tag("stage", s).serviceLevelObjectives(BUCKETS).register(registry))
                .record(Math.round(seconds * 1e9), TimeUnit.NANOSECONDS);
    }

    public void progress(double currentFramesPerSecond) { framesPerSecond.set(currentFramesPerSecond); }

    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    public void counter(String name, String description, double amount, String... tags) {
        Counter.builder(name).description(description).tags(tags).register(registry).increment(amount);
    }

    private static Duration ms(long v) { return Duration.ofMillis(v); }
    private static Duration s(long v) { return Duration.ofSeconds(v); }
}
