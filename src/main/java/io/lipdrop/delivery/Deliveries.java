package io.lipdrop.delivery;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.job.Backoff;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.DeliveryRecord;
import io.lipdrop.metrics.LipDropMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The delivery route's bean: which outbox files are due, whether the bucket already has them (a restart,
 * a re-drop or another node), and after camel-aws2-s3 uploaded one, whether the object really is the
 * file (size and ETag, or a re-read of the object). Only then is it recorded as delivered. Failures
 * back off exponentially; the file stays in the outbox, pending, across restarts.
 */
public final class Deliveries {
    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

    private final DeliveryQueue store;
    private final S3Client s3;
    private final S3Settings settings;
    private final Path outbox;
    private final DeliveryProblems problems;
    private final LipDropMetrics metrics;
    private final boolean ownOutbox;

    public Deliveries(DeliveryQueue store, S3Client s3, S3Settings settings, Path outbox, DeliveryProblems problems,
                      LipDropMetrics metrics) {
        this(store, s3, settings, outbox, problems, metrics, false);
    }

    /** @param ownOutbox this node's outbox is its own (bucket mode): it uploads only what it queued */
    public Deliveries(DeliveryQueue store, S3Client s3, S3Settings settings, Path outbox, DeliveryProblems problems,
                      LipDropMetrics metrics, boolean ownOutbox) {
        this.ownOutbox = ownOutbox;
        this.metrics = metrics;
        this.store = store;
        this.s3 = s3;
        this.settings = settings;
        this.outbox = outbox.toAbsolutePath().normalize();
        this.problems = problems;
    }

    private static final long PROBE_MILLIS = 30_000;
    private volatile long lastProbe;
    private final io.lipdrop.job.QuietStoreReads reads = new io.lipdrop.job.QuietStoreReads("S3 delivery");

    public List<Upload> due() {
        probeBucket();
        return reads.read(() -> store.dueDeliveries(System.currentTimeMillis(), 20, ownOutbox).stream().map(this::upload).toList(),
                List.of());
    }

    /** The outbox file of a ledger row, and the key it goes to (the job's own prefix, if it has one). */
    private Upload upload(DeliveryRecord r) {
        return new Upload(r.path(), outbox.resolve(r.path()).toFile(), settings.keyFor(r.s3Prefix(), r.path()), r.attempts());
    }

    /**
     * Checks the bucket at start-up and every 30 s, so the health check knows about an unreachable
     * server, wrong credentials or a missing bucket even when nothing is waiting to be uploaded.
     */
    void probeBucket() {
        long now = System.currentTimeMillis();
        if (lastProbe != 0 && now - lastProbe < PROBE_MILLIS) return;
        lastProbe = now;
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
            problems.recovered();
        } catch (RuntimeException e) {
            problems.report(e);
        }
    }

    /** Fingerprints the file; false (and recorded as delivered) when the bucket already holds exactly it. */
    public boolean needsUpload(Upload u) {
        if (!u.file().isFile()) {
            throw new IllegalStateException("outbox/" + u.path() + " is missing, so it cannot be uploaded");
        }
        u.fingerprint(Fingerprint.of(u.file().toPath(), settings.partSize()));
        Optional<String> etag = verified(u);
        if (etag.isEmpty()) return true;
        store.markDelivered(u.path(), etag.get());
        problems.recovered();
        LOG.info("s3://{}/{} already holds outbox/{}: not uploaded again", settings.bucket(), u.key(), u.path());
        return false;
    }

    /** After the upload: the object must match the file, or the upload is retried. */
    public void confirm(Upload u) {
        String etag = verified(u).orElseThrow(() -> new DeliveryMismatchException(
                "s3://" + settings.bucket() + "/" + u.key() + " does not match outbox/" + u.path() + " after the upload"));
        store.markDelivered(u.path(), etag);
        problems.recovered();
        metrics.stage("upload", u.seconds());
        metrics.counter("lipdrop.uploaded.bytes", "Bytes delivered to S3", u.fingerprint().size());
        LOG.info("delivered outbox/{} to s3://{}/{} ({} bytes, verified)", u.path(), settings.bucket(), u.key(), u.fingerprint().size());
    }

    public void failed(Upload u, Exception error) {
        String cause = problems.report(error);
        long delay = new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis()).delayMillis(u.attempts());
        store.deliveryFailed(u.path(), cause, System.currentTimeMillis() + delay);
        LOG.debug("upload of outbox/{} failed (attempt {}), next try in {} ms: {}", u.path(), u.attempts() + 1, delay, cause);
    }

    /** The object's ETag when the bucket holds exactly this file; empty when it is absent or differs. */
    private Optional<String> verified(Upload u) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(settings.bucket()).key(u.key()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) return Optional.empty();
            throw e;
        }
        Fingerprint f = u.fingerprint();
        if (head.contentLength() == null || head.contentLength() != f.size()) return Optional.empty();
        if (f.etagComparable(head.eTag())) {
            return f.etagMatches(head.eTag()) ? Optional.of(head.eTag()) : Optional.empty();
        }
        // an ETag we cannot predict (server-side encryption, another server's scheme): read the object back
        return f.sha256().equals(sha256OfObject(u.key())) ? Optional.of(head.eTag()) : Optional.empty();
    }

    private String sha256OfObject(String key) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket()).key(key))) {
            return ContentHasher.sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bucket mode, at a graceful stop, after the jobs in flight finished and the routes stopped: this node's outbox is
     * its own, so what it made and has not uploaded yet goes now, with the SDK (the route's producer is stopped), cut
     * into parts as camel-aws2-s3 cuts them, so the ETag is the one {@link Fingerprint} expects; each checked as the
     * route checks it. A file that fails stays pending: a restart on this home uploads it, and if this node never
     * comes back another one makes the job again. Each file tried once: the stop must fit the grace period.
     *
     * @return how many files were confirmed in the bucket
     */
    public int uploadWhatIsLeft() {
        int done = 0;
        for (Upload u : reads.read(() -> store.dueDeliveries(Long.MAX_VALUE, 1000, true).stream().map(this::upload).toList(),
                List.<Upload>of())) {
            try {
                if (needsUpload(u)) {
                    put(u);
                    confirm(u);
                }
                done++;
            } catch (RuntimeException | IOException e) {
                LOG.warn("outbox/{} not uploaded at the stop ({}); it stays pending", u.path(), e.getMessage());
            }
        }
        return done;
    }

    /** One file into the bucket: a PUT below the part size, else a multipart upload of part-size parts. */
    private void put(Upload u) throws IOException {
        long size = u.fingerprint().size();
        if (size < settings.partSize()) {
            s3.putObject(b -> b.bucket(settings.bucket()).key(u.key()).contentType(u.contentType()), RequestBody.fromFile(u.file()));
            return;
        }
        String id = s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(u.key()).contentType(u.contentType())).uploadId();
        try (InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(u.file().toPath()))) {
            List<CompletedPart> parts = new java.util.ArrayList<>();
            for (long offset = 0; offset < size; offset += settings.partSize()) {
                int number = parts.size() + 1;
                long length = Math.min(settings.partSize(), size - offset);
                byte[] part = in.readNBytes((int) length);
                String etag = s3.uploadPart(b -> b.bucket(settings.bucket()).key(u.key()).uploadId(id).partNumber(number),
                        RequestBody.fromBytes(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(u.key()).uploadId(id).multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(u.key()).uploadId(id));
            throw e;
        }
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }



}
