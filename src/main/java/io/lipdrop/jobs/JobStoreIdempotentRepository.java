package io.lipdrop.jobs;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Camel's idempotent consumer on the job store, keyed by the content hash. {@code add} claims the job:
 * it says "duplicate" for a job that is done, or that this process is already running. A job left
 * "running" by a crashed process is taken over, because nothing in this process owns it.
 * Use with {@code completionEager=true}: a failure inside the block then releases the job at once.
 */
public final class JobStoreIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    private final JobStore store;
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<String> names = new ThreadLocal<>();

    public JobStoreIdempotentRepository(JobStore store) { this.store = store; }

    /** The readable job name to record with the next {@link #add} on this thread. */
    public void nameNextJob(String name) { names.set(name); }

    @Override
    public boolean add(String key) {
        if (!owned.add(key)) return false;
        String name = names.get();
        names.remove();
        boolean claimed = store.claim(key, name != null ? name : key, true);
        if (!claimed) owned.remove(key);
        return claimed;
    }

    /** True while this process is running the job (its work folder is in use). */
    public boolean isOwned(String key) { return owned.contains(key); }

    @Override
    public boolean contains(String key) {
        return owned.contains(key) || store.find(key).map(r -> r.status() == JobStatus.DONE).orElse(false);
    }

    /** The block failed: the job is no longer running here (its outcome is recorded by the failure handler). */
    @Override
    public boolean remove(String key) {
        store.find(key).filter(r -> r.status() == JobStatus.RUNNING).ifPresent(r -> store.markFailed(key, "interrupted"));
        return owned.remove(key);
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
