package io.lipdrop.jobs;

import io.lipdrop.job.IntakeGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Pauses this node when a job meets a fault of the machine ({@link NodeFault}): intake is held at once, the job
 * is put back untried, the log says so once, health says why, and {@link #probe} (every few seconds, from the
 * node-faults route) resumes intake by itself once the machine could run a job again. A node that pauses again
 * soon after resuming (a disk that refills with every attempt) waits twice as long each time, up to 5 minutes,
 * so a recurring fault writes a line per pause, not a storm.
 */
public final class NodePause {
    private static final Logger LOG = LoggerFactory.getLogger(NodePause.class);
    static final String HOLD = "node fault";
    private static final long MAX_WAIT_MILLIS = Duration.ofMinutes(5).toMillis();

    private final IntakeGate gate;
    private final NodeProbe probe;
    private final JobStore store;
    private final long firstWaitMillis;
    private final LongSupplier clock;
    /** Jobs to put back once the store answers again (their release failed because it did not). */
    private final Set<String> toRelease = new LinkedHashSet<>();
    private NodeFault fault;
    private NodeFault current;
    private long pausedAt;
    /** When the probe last saw a problem: a cleared fault must stay cleared for the wait before intake resumes. */
    private long lastBadAt;
    private long resumedAt = Long.MIN_VALUE / 2;
    private long waitMillis;

    /** @param firstWaitMillis the shortest pause: how long a cleared fault must stay cleared before intake resumes */
    public NodePause(IntakeGate gate, NodeProbe probe, JobStore store, long firstWaitMillis) {
        this(gate, probe, store, firstWaitMillis, System::currentTimeMillis);
    }

    NodePause(IntakeGate gate, NodeProbe probe, JobStore store, long firstWaitMillis, LongSupplier clock) {
        this.gate = gate;
        this.probe = probe;
        this.store = store;
        this.firstWaitMillis = Math.max(0, firstWaitMillis);
        this.waitMillis = this.firstWaitMillis;
        this.clock = clock;
    }

    /**
     * Handles a job's failure if it is the machine's: pauses the node and puts the job back without counting
     * the attempt. False when the failure is the input's own (count it, quarantine it in the end).
     */
    public boolean handle(String jobName, String key, Throwable failure) {
        Optional<NodeFault> f = NodeFault.of(failure);
        if (f.isEmpty()) return false;
        // permission denied on a drop's own file is that drop's problem; on a folder LipDrop writes to, the machine's
        if (f.get().kind() == NodeFault.Kind.NOT_WRITABLE && probe.problem().isEmpty()) return false;
        pause(f.get(), jobName);
        if (key != null) putBack(key, f.get());
        return true;
    }

    /** Pauses the node for {@code f}; one WARN line when the node was running, nothing more while it stays paused. */
    public synchronized void pause(NodeFault f, String jobName) {
        current = f;
        if (fault != null) return;
        long now = clock.getAsLong();
        // paused again soon after a resume: the condition came back, wait longer this time
        waitMillis = now - resumedAt < 10 * 60_000L ? Math.min(MAX_WAIT_MILLIS, Math.max(1000, waitMillis * 2)) : firstWaitMillis;
        fault = f;
        pausedAt = now;
        lastBadAt = now;
        gate.hold(HOLD);
        LOG.warn("node paused: {}{}; new drops wait in the inbox and jobs are put back untried (no attempt counted); "
                        + "LipDrop resumes by itself when this clears", f.message(), jobName == null ? "" : ", seen by " + jobName);
    }

    private void putBack(String key, NodeFault f) {
        try {
            store.release(key, "waiting: " + f.message());
        } catch (RuntimeException e) {
            synchronized (this) {
                toRelease.add(key); // the store itself is away: put it back when it answers
            }
        }
    }

    /** Called every few seconds: resumes the node when the machine could run a job again. */
    public void probe() {
        synchronized (this) {
            if (fault == null) return;
        }
        Optional<NodeFault> problem = probe.problem();
        synchronized (this) {
            if (fault == null) return;
            if (problem.isPresent()) {
                current = problem.get();
                lastBadAt = clock.getAsLong();
                return;
            }
            if (clock.getAsLong() - lastBadAt < waitMillis) return;
            for (var it = toRelease.iterator(); it.hasNext(); ) {
                String key = it.next();
                try {
                    store.release(key, "waiting: " + fault.message());
                    it.remove();
                } catch (RuntimeException e) {
                    return; // not yet: the next probe tries again
                }
            }
            long seconds = (clock.getAsLong() - pausedAt) / 1000;
            LOG.info("node resumed after {} s (paused because {}): taking drops again", Math.max(1, seconds), fault.kind().summary());
            fault = null;
            current = null;
            resumedAt = clock.getAsLong();
            gate.release(HOLD);
        }
    }

    public synchronized boolean isPaused() { return fault != null; }

    /** Why the node is paused (what was last seen wrong), for health; empty while it runs. */
    public synchronized Optional<String> reason() {
        return fault == null ? Optional.empty() : Optional.of((current == null ? fault : current).message());
    }
}
