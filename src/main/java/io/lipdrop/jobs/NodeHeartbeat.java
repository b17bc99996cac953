package io.lipdrop.jobs;

import io.lipdrop.job.JobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node's claims alive: every third of the lease it renews the leases of the jobs it is running
 * and records the node as seen. A node that stops beating (kill -9, a lost machine) loses its claims when
 * the lease runs out, and another node takes its jobs over.
 */
public final class NodeHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);

    private final JobStore store;
    private final JobStoreIdempotentRepository claims;
    private final String home;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lipdrop-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public NodeHeartbeat(JobStore store, JobStoreIdempotentRepository claims, String home) {
        this.store = store;
        this.claims = claims;
        this.home = home;
    }

    /** Beats now (so the node is listed at once) and then every {@code periodMillis}. */
    private volatile boolean failing;

    public NodeHeartbeat start(long periodMillis) {
        beat();
        timer.scheduleWithFixedDelay(this::beat, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    void beat() {
        try {
            store.heartbeat(hostName(), ProcessHandle.current().pid(), home);
            if (failing) LOG.info("heartbeat to the job store works again");
            failing = false;
            Set<String> lost = store.renew(claims.owned());
            for (String key : lost) {
                String holder = store.find(key).map(JobRecord::node).orElse("?");
                LOG.warn("job {}: this node's claim ran out and node {} holds it now; this node's result will be discarded", key, holder);
            }
        } catch (RuntimeException e) {
            // the store is unreachable: keep beating; claims survive as long as their lease. Said once, not every beat
            if (!failing) LOG.warn("heartbeat to the job store failed: {}; retrying quietly until it works", e.getMessage());
            failing = true;
        }
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
