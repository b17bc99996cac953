package io.lipdrop.jobs;

import io.lipdrop.job.JobStatus;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Camel's idempotent consumer on the job store, keyed by the content hash: {@code add} is the claim. It says
 * "duplicate" for a job that is done, that another live node holds, or that this process is already running.
 * A job whose node died (lease expired), or that this node left running when it crashed, is taken over.
 * Use with {@code completionEager=true}: a failure inside the block then releases the job at once.
 */
public final class JobStoreIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    private final JobStore store;
    private final Set<String> owned = ConcurrentHashMap.newKeySet();

    public JobStoreIdempotentRepository(JobStore store) { this.store = store; }

    @Override
    public boolean add(String key) {
        if (!owned.add(key)) return false;
        boolean claimed = store.claim(key);
        if (!claimed) owned.remove(key);
        return claimed;
    }

    /** True while this process is running the job (its work folder is in use). */
    public boolean isOwned(String key) { return owned.contains(key); }

    /** The jobs this process is running, whose leases the heartbeat renews. */
    public Set<String> owned() { return Set.copyOf(owned); }

    @Override
    public boolean contains(String key) {
        return owned.contains(key) || store.find(key).map(r -> r.status() == JobStatus.DONE).orElse(false);
    }

    /** The block failed: the job is no longer running here (its outcome is recorded by the failure handler). */
    @Override
    public boolean remove(String key) {
        // fenced in the store: a claim another node took over stays that node's. With the store away this throws,
        // and the job must still leave `owned`, or this node would never claim it again
        boolean held = owned.remove(key);
        try {
            store.find(key).filter(r -> r.status() == JobStatus.RUNNING).ifPresent(r -> store.markFailed(key, "interrupted"));
        } catch (RuntimeException e) {
            // the store is away: the failure handler that runs next records the outcome (or pauses the node)
            org.slf4j.LoggerFactory.getLogger(JobStoreIdempotentRepository.class).debug("{}: not marked interrupted: {}", key, e.getMessage());
        }
        return held;
    }

    @Override
    public boolean confirm(String key) {
        return owned.remove(key);
    }

    @Override
    public void clear() {
        owned.clear();
    }
}
