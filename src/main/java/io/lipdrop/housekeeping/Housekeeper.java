package io.lipdrop.housekeeping;

import io.lipdrop.housekeeping.HousekeepingReport.Action;
import io.lipdrop.housekeeping.HousekeepingReport.Entry;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.JobLedger;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.metrics.LipDropMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One upkeep pass over LipDrop's own folders: old outputs and archived inputs are deleted, leftovers of crashed
 * jobs removed. Never deleted: an output not yet confirmed in S3 (when delivery is on), a file of a job that is not
 * finished, or anything reached through a symbolic link (links are neither followed nor removed). Logs are not
 * LipDrop's to tidy: Log4j rolls, gzips and expires them itself (log4j2.xml, {@link LogRolling}).
 * <p>
 * Folder mode: the outbox and archive are shared by the nodes, and purged by the one that leads housekeeping
 * ({@link #runScheduled}). Bucket mode ({@code lipdrop.intake.source=s3}): each node has its own outbox and archive and
 * purges them in its own pass ({@link #runLocal}); the leader's pass purges the bucket instead ({@link BucketPurge}).
 */
public final class Housekeeper {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);

    private final Path outbox;
    private final Path archive;
    private final Path work;
    private final JobLedger store;
    private final DeliveryQueue deliveries;
    private final boolean deliveryOn;
    private final Predicate<String> jobActive;
    private final HousekeepingSettings settings;
    private final LipDropMetrics metrics;
    private final Clock clock;
    private final boolean ownFolders;
    private final BucketPurge bucket;

    /** Folder mode: the outbox and archive are shared, purged by the leader. */
    public <S extends JobLedger & DeliveryQueue> Housekeeper(Path outbox, Path archive, Path work, S store,
                       boolean deliveryOn, Predicate<String> jobActive, HousekeepingSettings settings, LipDropMetrics metrics,
                       Clock clock) {
        this(outbox, archive, work, store, deliveryOn, jobActive, settings, metrics, clock, false, null);
    }

    /**
     * @param jobActive  true for a job key whose job is running now (its work folder is in use)
     * @param ownFolders true in bucket mode: the outbox and archive are this node's own, purged by its local pass
     * @param bucket     the leader's purge of the bucket, or null (folder mode, or left to a lifecycle rule)
     */
    public <S extends JobLedger & DeliveryQueue> Housekeeper(Path outbox, Path archive, Path work, S store,
                       boolean deliveryOn, Predicate<String> jobActive, HousekeepingSettings settings, LipDropMetrics metrics,
                       Clock clock, boolean ownFolders, BucketPurge bucket) {
        this.outbox = outbox.toAbsolutePath().normalize();
        this.archive = archive.toAbsolutePath().normalize();
        this.work = work.toAbsolutePath().normalize();
        this.store = store;
        this.deliveries = store;
        this.deliveryOn = deliveryOn;
        this.jobActive = jobActive;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.ownFolders = ownFolders;
        this.bucket = bucket;
    }

    /**
     * The scheduled pass over what the nodes share: a master route, so with several nodes exactly one of them runs
     * it. Folder mode: the shared outbox and archive. Bucket mode: the bucket, when LipDrop purges it.
     */
    public HousekeepingReport runScheduled() {
        HousekeepingReport r = new HousekeepingReport(false);
        if (ownFolders && bucket == null) {
            LOG.debug("housekeeping: nothing shared to purge (bucket mode, the bucket left to its lifecycle rule)");
            return r;
        }
        if (!ownFolders) {
            synchronized (this) {
                ownedFolders(r);
            }
        }
        // outside the lock: a slow bucket must not hold up this node's own pass (both run on the same cron)
        if (bucket != null) bucket.run(r);
        record(r);
        LOG.info("housekeeping: {}", r.summary());
        return r;
    }

    /** The scheduled pass over this node's own folders, on every node: its work folder, and in bucket mode its outbox and archive. */
    public synchronized HousekeepingReport runLocal() {
        HousekeepingReport r = new HousekeepingReport(false);
        if (ownFolders) ownedFolders(r);
        local(r);
        record(r);
        if (ownFolders) LOG.info("node upkeep: {}", r.summary());
        else LOG.debug("node upkeep: {}", r.summary());
        return r;
    }

    /** Both passes (bin/lipdrop housekeeping), and the bucket's when there is one. */
    public HousekeepingReport run(boolean dryRun) {
        HousekeepingReport report = new HousekeepingReport(dryRun);
        synchronized (this) {
            ownedFolders(report);
            local(report);
        }
        if (bucket != null) bucket.run(report);
        if (!dryRun) record(report);
        return report;
    }

    /** Whether the outbox and archive are this node's own (bucket mode), purged by {@link #runLocal}. */
    public boolean ownFolders() { return ownFolders; }

    private void ownedFolders(HousekeepingReport report) {
        purgeOutbox(report);
        purge(archive, settings.archiveRetention(), report, p -> null);
        removeEmptyFolders(outbox, report.dryRun());
        removeEmptyFolders(archive, report.dryRun());
    }

    private void local(HousekeepingReport report) {
        cleanWork(report);
    }

    private void record(HousekeepingReport report) {
        metrics.counter("lipdrop.purged.files", "Files deleted by housekeeping", report.count(Action.DELETED));
        metrics.counter("lipdrop.purged.bytes", "Bytes freed by housekeeping", report.bytesFreed());
        if (bucket != null) {
            metrics.counter("lipdrop.purged.objects", "Objects deleted from the bucket by housekeeping", report.bucketObjects());
            metrics.counter("lipdrop.purged.object.bytes", "Bytes of the objects deleted from the bucket by housekeeping",
                    report.bucketBytes());
        }
    }

    private void purgeOutbox(HousekeepingReport report) {
        purge(outbox, settings.outboxRetention(), report, file -> {
            String relative = outbox.relativize(file).toString();
            String video = relative.endsWith(".report.json") ? relative.replace(".report.json", ".mp4") : relative;
            JobRecord job = store.findByOutput(video).orElse(null);
            if (job != null && job.status() != JobStatus.DONE) return "its job is " + job.status().name().toLowerCase();
            if (deliveryOn && !deliveries.isDelivered(relative)) return "not yet confirmed in S3";
            return null;
        });
    }

    /** Deletes regular files under {@code root} older than {@code retention} unless {@code veto} gives a reason. */
    private void purge(Path root, Duration retention, HousekeepingReport report, java.util.function.Function<Path, String> veto) {
        for (Path file : regularFiles(root)) {
            Duration age = age(file);
            if (age.compareTo(retention) < 0) continue;
            long size = size(file);
            String reason = veto.apply(file);
            if (reason != null) {
                report.add(new Entry(Action.KEPT, file, age, size, reason), 0);
                continue;
            }
            delete(file, age, size, report);
        }
    }

    /** Work folders of jobs that are not running: leftovers of a crashed attempt. */
    private void cleanWork(HousekeepingReport report) {
        if (!Files.isDirectory(work)) return;
        try (Stream<Path> s = Files.list(work)) {
            for (Path dir : s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                // a job's folder is named by its key; LipDrop's own dot-folders (.bucket-incoming: drops being
                // downloaded from the bucket) are not jobs' leftovers
                if (dir.getFileName().toString().startsWith(".") || jobActive.test(dir.getFileName().toString())) continue;
                for (Path f : regularFiles(dir)) delete(f, age(f), size(f), report);
                if (!report.dryRun()) deleteEmptyTree(dir);
            }
        } catch (IOException e) {
            LOG.warn("housekeeping: cannot list {}: {}", work, e.getMessage());
        }
    }

    private void delete(Path file, Duration age, long size, HousekeepingReport report) {
        if (!report.dryRun()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("housekeeping: cannot delete {}: {}", file, e.getMessage());
                return;
            }
            LOG.info("housekeeping: deleted {} ({} old, {})", file, HousekeepingReport.age(age), HousekeepingReport.size(size));
        }
        report.add(new Entry(Action.DELETED, file, age, size, null), size);
    }

    /** Regular files only, never through or of a symbolic link (Files.walk does not follow links by default). */
    /** LipDrop's own dot-folders at the top (archive/.cluster: the lock folder of the former file-lock leader election), never purged. */
    private static boolean isOwnHidden(Path root, Path p) {
        Path rel = root.relativize(p);
        return rel.getNameCount() > 0 && rel.getName(0).toString().startsWith(".");
    }

    private static List<Path> regularFiles(Path root) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> !isOwnHidden(root, p)).toList();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("housekeeping: cannot walk {}: {}", root, e.getMessage());
            return List.of();
        }
    }

    private void removeEmptyFolders(Path root, boolean dryRun) {
        if (dryRun || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path dir : s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> !p.equals(root))
                    .filter(p -> !isOwnHidden(root, p))
                    .sorted(Comparator.reverseOrder()).toList()) {
                try (Stream<Path> children = Files.list(dir)) {
                    if (children.findAny().isEmpty()) Files.delete(dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("housekeeping: cannot tidy folders in {}: {}", root, e.getMessage());
        }
    }

    private static void deleteEmptyTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> c = Files.list(p)) {
                        if (c.findAny().isEmpty()) Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("housekeeping: cannot remove {}: {}", dir, e.getMessage());
        }
    }

    private Duration age(Path p) {
        try {
            FileTime t = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime();
            return Duration.ofMillis(Math.max(0, clock.millis() - t.toMillis()));
        } catch (IOException e) {
            return Duration.ZERO;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
