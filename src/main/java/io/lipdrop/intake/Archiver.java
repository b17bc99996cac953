package io.lipdrop.intake;

import io.lipdrop.job.ClusterLocks;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.Drop;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobLedger;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.JobTask;
import io.lipdrop.job.OutputNames;
import io.lipdrop.job.ResultSharing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finishes a drop once every job in it has its final outcome, as the job store records it (a done job: its result
 * delivered under the job's own name): the inputs go
 * to {@code archive/<yyyy-MM-dd>/} (a batch only when all its videos are done), a drop with a job still to
 * retry or still running on another node stays in the inbox. Several nodes see the same drop: a lock in the
 * store lets one of them finish it, and the files' presence tells a later one that it is already finished.
 */
public final class Archiver {
    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
    private static final int LOCK_SECONDS = 300;

    private final Path archive;
    private final Path inbox;
    private final Quarantine quarantine;
    private final JobLedger store;
    private final ClusterLocks locks;
    private final JobKeys keys;
    private final DeliveryQueue deliveries;
    private final ResultSharing sharing;

    /** @param store the jobs' outcomes, and the locks that let one node finish a drop */
    public <S extends JobLedger & ClusterLocks & DeliveryQueue> Archiver(Path inbox, Path archive, Quarantine quarantine, S store,
                                                                         JobKeys keys) {
        this(inbox, archive, quarantine, store, keys, ResultSharing.SHARED_OUTBOX);
    }

    /** @param sharing in bucket mode a done job's drop is finished once its result is in the bucket, not before */
    public <S extends JobLedger & ClusterLocks & DeliveryQueue> Archiver(Path inbox, Path archive, Quarantine quarantine, S store,
                                                                         JobKeys keys, ResultSharing sharing) {
        this.deliveries = store;
        this.sharing = sharing;
        this.inbox = inbox.toAbsolutePath().normalize();
        this.archive = archive.toAbsolutePath().normalize();
        this.quarantine = quarantine;
        this.store = store;
        this.locks = store;
        this.keys = keys;
    }

    public void finish(Drop drop) {
        List<Optional<JobStatus>> outcomes = new ArrayList<>();
        for (JobTask job : drop.jobs()) outcomes.add(outcome(job));
        boolean finished = outcomes.stream().allMatch(o -> o.map(s -> s == JobStatus.DONE || s == JobStatus.QUARANTINED).orElse(false));
        if (!finished) {
            if (drop.isBatch() && !drop.rejected().isEmpty()) once(drop, () -> rejectFiles(drop));
            LOG.info("{}: not finished yet (a job to retry, running on another node, or waiting for its twin in this drop), "
                    + "its inputs stay in the inbox", drop.name());
            return;
        }
        once(drop, () -> {
            rejectFiles(drop);
            if (drop.isBatch() && Files.isDirectory(drop.root())) {
                long done = outcomes.stream().filter(o -> o.equals(Optional.of(JobStatus.DONE))).count();
                LOG.info("batch {}: {}/{} succeeded", drop.name(), done, drop.jobs().size());
            }
            Path dir = archive.resolve(LocalDate.now().toString());
            if (drop.isBatch()) {
                if (Files.isDirectory(drop.root())) SafeMoves.moveInto(drop.root(), dir);
            } else if (outcomes.stream().noneMatch(o -> o.equals(Optional.of(JobStatus.QUARANTINED)))) {
                for (Path f : drop.files()) if (Files.exists(f)) SafeMoves.moveInto(f, dir);
            }
        });
    }

    /** A drop LipDrop cannot take at all: quarantined by one node. */
    public void reject(Drop drop) {
        once(drop, () -> {
            if (drop.files().stream().anyMatch(Files::exists)) quarantine.rejectDrop(drop);
        });
    }

    /** A batch's unusable files go to quarantine at once, whatever happens to its videos. */
    private void rejectFiles(Drop drop) {
        drop.rejected().stream().filter(r -> Files.exists(r.file())).forEach(r -> quarantine.rejectFile(drop, r));
    }

    /** The job's status in the store; empty while its inputs cannot be read (it is retried). */
    private Optional<JobStatus> outcome(JobTask job) {
        try {
            String key = keys.identify(job);
            Optional<JobStatus> status = store.find(key).map(JobRecord::status);
            // done, but not under this job's own name yet (the same content twice in this drop, made by one of its
            // jobs while the other waited): not finished, the next poll delivers it (DuplicateDelivery)
            if (status.equals(Optional.of(JobStatus.DONE)) && !delivered(job, key)) return Optional.empty();
            // in bucket mode, done on a node whose outbox still holds the result: the inputs wait until it is in the
            // bucket, so that if that node is lost before its upload, the job can be made again from them
            if (status.equals(Optional.of(JobStatus.DONE)) && sharing.inBucket() && deliveries.pendingDeliveries(key) > 0) {
                return Optional.empty();
            }
            return status;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private boolean delivered(JobTask job, String key) {
        String alternative = OutputNames.alternativeName(job.output(), key);
        return store.outputs(key).stream().anyMatch(o -> o.output().equals(job.output()) || o.output().equals(alternative));
    }

    private void once(Drop drop, Runnable work) {
        String lock = "drop:" + inbox.relativize(drop.root().toAbsolutePath().normalize());
        if (!locks.tryLock(lock, LOCK_SECONDS)) {
            LOG.debug("{}: another node is finishing this drop", drop.name());
            return;
        }
        try {
            work.run();
        } finally {
            locks.unlock(lock);
        }
    }
}
