package io.lipdrop.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this node is making right now and how far each has got, for the jobs page: fed by the engine's
 * progress callback (from the job runner), read by the web API. In memory only: a job's lasting state is
 * in the {@link JobLedger}; this board says nothing about jobs on other nodes.
 */
public final class JobProgress {
    /**
     * One running job: frames done of total, and frames/s since its first frame came out (the preparation before
     * it, reading the template once, would make an early estimate of the time left far too long).
     */
    public record Entry(String key, String name, int done, int total, Instant started, long firstFrameNanos, int firstFrame,
                        double framesPerSecond) {}

    private final Map<String, Entry> running = new ConcurrentHashMap<>();

    /** A job starts: it shows with 0 frames until the engine knows how many it will make. */
    public void started(String key, String name) {
        running.put(key, new Entry(key, name, 0, 0, Instant.now(), 0, 0, 0));
    }

    public void update(String key, String name, int done, int total) {
        long now = System.nanoTime();
        running.compute(key, (k, e) -> {
            if (e == null || e.firstFrameNanos() == 0) {
                return new Entry(key, name, done, total, e == null ? Instant.now() : e.started(), now, done, 0);
            }
            double seconds = (now - e.firstFrameNanos()) / 1e9;
            // below half a second the rate is noise
            double fps = seconds < 0.5 ? e.framesPerSecond() : (done - e.firstFrame()) / seconds;
            return new Entry(key, name, done, total, e.started(), e.firstFrameNanos(), e.firstFrame(), fps);
        });
    }

    /** The job ended here, whatever its outcome (the store has it). */
    public void finished(String key) { running.remove(key); }

    public Optional<Entry> of(String key) { return Optional.ofNullable(running.get(key)); }

    public List<Entry> all() { return List.copyOf(running.values()); }
}
