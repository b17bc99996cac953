package io.lipdrop.ops;

import io.lipdrop.job.DeliveryRecord;
import io.lipdrop.jobs.JobStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How long the oldest pending upload has been waiting, for the "uploads pending too long" alert. The store's
 * delivery ledger does not hand out when a row was queued, so this node remembers when it first saw each
 * pending file: the age is counted from this node's start at the earliest (a restart delays the alert, it
 * never raises a false one). Only the oldest {@code limit} pending files are followed; a queue longer than
 * that is an alarm of its own.
 */
final class PendingUploadAge {
    private final JobStore store;
    private final LongSupplier clockMillis;
    private final int limit;
    private Map<String, Long> firstSeen = new HashMap<>();

    PendingUploadAge(JobStore store, LongSupplier clockMillis, int limit) {
        this.store = store;
        this.clockMillis = clockMillis;
        this.limit = limit;
    }

    /** Seconds the oldest pending upload has waited; 0 when none is pending. */
    synchronized long seconds() {
        long now = clockMillis.getAsLong();
        // every pending row, due or in back-off: a due time past all others lists them all, oldest first
        List<DeliveryRecord> pending = store.dueDeliveries(Long.MAX_VALUE, limit);
        Map<String, Long> seen = new HashMap<>();
        long oldest = now;
        for (DeliveryRecord d : pending) {
            long at = firstSeen.getOrDefault(d.path(), now);
            seen.put(d.path(), at);
            oldest = Math.min(oldest, at);
        }
        firstSeen = seen; // delivered files drop out, so a re-queued path starts again from zero
        return (now - oldest) / 1000;
    }
}
