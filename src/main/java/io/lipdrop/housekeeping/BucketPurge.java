package io.lipdrop.housekeeping;

import io.lipdrop.Settings;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bucket's share of housekeeping in bucket mode ({@code lipdrop.intake.source=s3}): objects under the results
 * prefix older than the outbox retention and under the archive prefix older than the archive retention are deleted,
 * by a paged listing and DeleteObjects batches. The inbox prefix is never touched: drops there are work to do.
 * Ages are S3's LastModified (the upload), as a lifecycle rule would count them.
 */
public final class BucketPurge {
    private static final Logger LOG = LoggerFactory.getLogger(BucketPurge.class);
    /** DeleteObjects takes at most 1000 keys a request. */
    static final int DELETE_BATCH = 1000;
    /** ListObjectsV2 gives at most 1000 keys a page. */
    static final int PAGE = 1000;

    private final S3Settings s3;
    private final String resultsPrefix;
    private final String archivePrefix;
    private final String inboxPrefix;
    private final Duration outboxRetention;
    private final Duration archiveRetention;
    private final int pageSize;
    private final Clock clock;

    /**
     * @param pageSize keys per listing page (S3 gives at most 1000; smaller in tests, to page through a few objects)
     * @param clock    "now" for the ages (injectable: a test server stamps objects with the upload time)
     */
    public BucketPurge(S3Settings s3, String archivePrefix, String inboxPrefix, Duration outboxRetention,
                       Duration archiveRetention, int pageSize, Clock clock) {
        this.s3 = s3;
        this.resultsPrefix = trimSlashes(s3.prefix());
        this.archivePrefix = trimSlashes(archivePrefix);
        this.inboxPrefix = trimSlashes(inboxPrefix);
        this.outboxRetention = outboxRetention;
        this.archiveRetention = archiveRetention;
        this.pageSize = pageSize;
        this.clock = clock;
    }

    /**
     * The leader's purge of the bucket: in bucket mode with {@code lipdrop.housekeeping.bucket-purge=true}, else null
     * (folder mode has no bucket of drops; false leaves the bucket to a lifecycle rule).
     */
    public static BucketPurge from(Settings s, S3Settings s3) {
        if (!s.bucketIntake()) return null;
        String purge = s.get("lipdrop.housekeeping.bucket-purge").trim();
        if (!purge.equals("true") && !purge.equals("false")) {
            throw new IllegalArgumentException("setting lipdrop.housekeeping.bucket-purge must be true or false, not '" + purge + "'");
        }
        if (purge.equals("false")) return null;
        HousekeepingSettings h = HousekeepingSettings.from(s);
        return new BucketPurge(s3, s.get("lipdrop.s3.archive-prefix"), s.get("lipdrop.s3.inbox-prefix"), h.outboxRetention(),
                h.archiveRetention(), PAGE, Clock.systemUTC());
    }

    public String describe() {
        return "s3://" + s3.bucket() + "/" + resultsPrefix + "/ after " + HousekeepingReport.age(outboxRetention) + ", s3://"
                + s3.bucket() + "/" + archivePrefix + "/ after " + HousekeepingReport.age(archiveRetention);
    }

    /**
     * One pass over the bucket into {@code report} (a dry run lists and counts, deletes nothing). Never throws: a
     * bucket that cannot be reached is one WARN and a note in the report, and housekeeping goes on without it.
     */
    public synchronized void run(HousekeepingReport report) {
        // a client per pass: the pass is daily (or on disk pressure), and nothing is left open between passes
        try (S3Client client = S3ClientFactory.create(s3)) {
            purge(client, resultsPrefix, outboxRetention, report);
            purge(client, archivePrefix, archiveRetention, report);
        } catch (RuntimeException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            report.bucketProblem(s3.describe() + ": " + why);
            LOG.warn("housekeeping: bucket {} not purged this time ({} object(s) done before): {}", s3.describe(),
                    report.bucketObjects(), why);
        }
    }

    private void purge(S3Client client, String prefix, Duration retention, HousekeepingReport report) {
        // an empty prefix would be the whole bucket, each drop and result under one retention: refused
        if (prefix.isEmpty()) {
            LOG.warn("housekeeping: not purging the whole bucket {}: its results or archive prefix is empty", s3.bucket());
            return;
        }
        long now = clock.millis();
        List<S3Object> batch = new ArrayList<>();
        ListObjectsV2Request list = ListObjectsV2Request.builder().bucket(s3.bucket()).prefix(prefix + "/").maxKeys(pageSize).build();
        for (S3Object o : (Iterable<S3Object>) client.listObjectsV2Paginator(list).contents()::iterator) {
            // a server that leaves LastModified out gives no age to judge by: kept
            if (!prefix.equals(ownerOf(o.key())) || o.lastModified() == null) continue;
            Duration age = Duration.ofMillis(Math.max(0, now - o.lastModified().toEpochMilli()));
            if (age.compareTo(retention) < 0) continue;
            if (report.dryRun()) {
                report.addBucket(1, size(o));
                continue;
            }
            batch.add(o);
            // deleting behind the listing is safe: the next page starts after the last key listed
            if (batch.size() == DELETE_BATCH) {
                delete(client, batch, report);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) delete(client, batch, report);
    }

    private void delete(S3Client client, List<S3Object> objects, HousekeepingReport report) {
        List<ObjectIdentifier> keys = objects.stream().map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
        // quiet: the answer lists only the keys that could not be deleted
        DeleteObjectsResponse r = client.deleteObjects(b -> b.bucket(s3.bucket())
                .delete(Delete.builder().objects(keys).quiet(true).build()));
        Set<String> failed = r.errors().stream().map(S3Error::key).collect(Collectors.toSet());
        List<S3Object> deleted = objects.stream().filter(o -> !failed.contains(o.key())).toList();
        report.addBucket(deleted.size(), deleted.stream().mapToLong(BucketPurge::size).sum());
        if (!r.errors().isEmpty()) {
            S3Error first = r.errors().get(0);
            LOG.warn("housekeeping: the bucket {} refused to delete {} of {} object(s), e.g. {}: {} {}", s3.bucket(),
                    r.errors().size(), objects.size(), first.key(), first.code(), first.message());
        }
        LOG.info("housekeeping: deleted {} object(s) from s3://{}, {} to {}", deleted.size(), s3.bucket(), objects.get(0).key(),
                objects.get(objects.size() - 1).key());
    }

    private static long size(S3Object o) { return o.size() == null ? 0 : o.size(); }

    /**
     * The prefix whose rule a key falls under: the longest of results, archive and inbox that holds it (so that one
     * nested in another, say archive under the results, keeps its own retention, and the inbox is never purged).
     */
    String ownerOf(String key) {
        return Stream.of(inboxPrefix, resultsPrefix, archivePrefix).filter(p -> !p.isEmpty() && key.startsWith(p + "/"))
                .reduce((a, b) -> b.length() > a.length() ? b : a).orElse(null);
    }

    private static String trimSlashes(String p) {
        return p.replaceAll("^/+", "").replaceAll("/+$", "");
    }
}
