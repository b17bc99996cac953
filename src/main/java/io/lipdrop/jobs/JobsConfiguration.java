package io.lipdrop.jobs;

import io.lipdrop.RouteContract;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.ResultSharing;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobProgress;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

import java.nio.file.Path;

/**
 * The job route's beans (routes/jobs.yaml): keys, the claim (idempotent repository), the runner and the
 * outcomes, plus the heartbeat that keeps this node's claims alive while the context runs.
 */
public final class JobsConfiguration implements CamelConfiguration {
    private final JobKeys keys;
    private final JobStoreIdempotentRepository claims;
    private final JobRunner runner;
    private final JobOutcomes outcomes;
    private final JobProgress progress = new JobProgress();
    private final NodeHeartbeat heartbeat;
    private final long heartbeatMillis;
    private final int workers;
    private final NodePause pause;

    /**
     * @param leaseSeconds how long a claim lasts without a heartbeat (the heartbeat comes every third of it)
     * @param deliver      queue each result and its report for upload to S3
     * @param workers      jobs made at once (lipdrop.jobs.workers)
     * @param callbacks    the completion callbacks queued with the outcomes (done, duplicate, quarantined)
     * @param pause        what a job's failure that is the machine's, not the input's, goes to
     * @param captions     the speech recogniser that writes each video's captions (or why there is none)
     */
    public JobsConfiguration(JobStore store, LipSyncService lipSync, Quarantine quarantine, Path outbox, Path work, Path home,
                             int maxAttempts, long leaseSeconds, boolean deliver, LipDropMetrics metrics, int workers,
                             CallbackQueue callbacks, NodePause pause, JobCaptions captions) {
        this(store, lipSync, quarantine, outbox, work, home, maxAttempts, leaseSeconds, deliver, metrics, workers, callbacks, pause,
                captions, ResultSharing.SHARED_OUTBOX);
    }

    /** @param sharing how this node's results reach the others: a shared outbox, or the bucket (bucket mode) */
    public JobsConfiguration(JobStore store, LipSyncService lipSync, Quarantine quarantine, Path outbox, Path work, Path home,
                             int maxAttempts, long leaseSeconds, boolean deliver, LipDropMetrics metrics, int workers,
                             CallbackQueue callbacks, NodePause pause, JobCaptions captions, ResultSharing sharing) {
        this.pause = pause;
        this.workers = workers;
        // the speech models drive the mouths and write the captions: a result made without them is made again with them;
        // the job's language picks the model (and whether phonemes are placed), so it and its model are in the key too
        this.keys = new JobKeys(lipSync::modelSha, o -> lipSync.outputAffecting(o) + ";" + captions.identity(captions.language(o)));
        this.claims = new JobStoreIdempotentRepository(store);
        this.runner = new JobRunner(lipSync, store, keys, outbox, work, deliver, metrics, callbacks, progress, captions, sharing);
        this.outcomes = new JobOutcomes(store, quarantine, maxAttempts, metrics,
                new DuplicateDelivery(store, outbox, deliver, metrics, callbacks, sharing), callbacks, pause);
        this.heartbeat = new NodeHeartbeat(store, claims, home.toString());
        this.heartbeatMillis = Math.max(1000, leaseSeconds * 1000 / 3);
    }

    @BindToRegistry(RouteContract.JOB_KEYS)
    public JobKeys keys() { return keys; }

    @BindToRegistry(RouteContract.JOB_REPOSITORY)
    public JobStoreIdempotentRepository claims() { return claims; }

    @BindToRegistry(RouteContract.JOB_RUNNER)
    public JobRunner runner() { return runner; }

    @BindToRegistry(RouteContract.JOB_OUTCOMES)
    public JobOutcomes outcomes() { return outcomes; }

    /** Pauses the node on a fault of the machine and resumes it when the node-faults route's probe finds it cleared. */
    @BindToRegistry(RouteContract.NODE_PAUSE)
    public NodePause pause() { return pause; }

    /** The jobs this node is making and how far each has got (the jobs page reads it). */
    public JobProgress progress() { return progress; }

    @Override
    public void configure(CamelContext camel) throws Exception {
        // the intake route's split runs every job on this pool, a batch's videos and single drops alike, so at most
        // `workers` jobs run at once; Camel shuts the pool down with the context, after the jobs in flight
        camel.getRegistry().bind(RouteContract.JOB_WORKERS,
                camel.getExecutorServiceManager().newFixedThreadPool(this, "lipdrop-job", workers));
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStart() { heartbeat.start(heartbeatMillis); }

            @Override
            protected void doStop() { heartbeat.close(); }
        });
    }
}
