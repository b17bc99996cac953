package io.lipdrop.jobs;

import io.lipdrop.job.CallbackOutbox;
import io.lipdrop.job.ClusterLocks;
import io.lipdrop.job.ClusterNodes;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.JobLedger;
import io.lipdrop.job.SharedProgress;

/**
 * Persistent job state, keyed by the content hash, shared by every node that uses the same store: one database (H2
 * or PostgreSQL) behind every narrow interface a feature takes. Only the wiring and the job beans hold the whole
 * store; intake, delivery, notify, web and housekeeping take the part they use ({@link JobLedger},
 * {@link DeliveryQueue}, {@link CallbackOutbox}, {@link SharedProgress}, {@link ClusterLocks}, {@link ClusterNodes}),
 * so none of them imports this package.
 */
public interface JobStore extends JobLedger, SharedProgress, ClusterLocks, ClusterNodes, DeliveryQueue, CallbackOutbox,
        AutoCloseable {

    /** "H2 file data/jobs" or "PostgreSQL host:port/db", never a password. */
    String describe();

    @Override
    void close();
}
