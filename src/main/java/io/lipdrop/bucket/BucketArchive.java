package io.lipdrop.bucket;

import io.lipdrop.delivery.Fingerprint;
import io.lipdrop.files.ContentHasher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * In bucket mode the archive is in the bucket. The folder intake still finishes a drop on this node's disk (its inputs
 * to {@code archive/<date>/}, a bad one to {@code archive/failed/<date>/} with its {@code .error.txt}); this moves each
 * such file to the same path under the bucket's archive prefix, by copy-then-delete, each step safe to repeat after a
 * crash: the archive object is written (a server-side copy of the inbox object it came from, or the local file
 * uploaded) and checked, then the inbox object is deleted, then the local file.
 */
final class BucketArchive {
    private static final Logger LOG = LoggerFactory.getLogger(BucketArchive.class);

    private final S3Client s3;
    private final String bucket;
    private final BucketSettings settings;
    private final Path archive;
    private final TakenObjects taken;
    private final java.util.Map<String, Long> loneSince = new java.util.HashMap<>();

    BucketArchive(S3Client s3, String bucket, BucketSettings settings, Path archive, TakenObjects taken) {
        this.s3 = s3;
        this.bucket = bucket;
        this.settings = settings;
        this.archive = archive.toAbsolutePath().normalize();
        this.taken = taken;
    }

    /** Every file in this node's archive folder, into the bucket's archive. */
    void sync() {
        if (!Files.isDirectory(archive)) return;
        List<Path> files;
        try (Stream<Path> s = Files.walk(archive)) {
            files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + archive, e);
        }
        for (Path f : files) move(f);
    }

    private void move(Path file) {
        String relative = archive.relativize(file).toString().replace('\\', '/');
        String target = settings.archiveKey(relative);
        Optional<String> origin = origin(relative);
        long size = size(file);
        String md5 = ContentHasher.md5(file);
        if (!holds(target, size, md5)) {
            Optional<HeadObjectResponse> source = origin.flatMap(o -> head(settings.inboxKey(o)));
            boolean sameObject = source.isPresent() && origin.flatMap(taken::etag).map(e -> e.equals(Fingerprint.unquote(source.get().eTag())))
                    .orElse(false) && source.get().contentLength() == size;
            if (!sameObject || !copied(settings.inboxKey(origin.get()), target)) {
                s3.putObject(b -> b.bucket(bucket).key(target), RequestBody.fromFile(file));
            }
            if (!holds(target, size, md5)) throw new IllegalStateException("s3://" + bucket + "/" + target + " does not match " + file + " after the copy");
        }
        // only the version this node took: one written again since is a new drop
        origin.ifPresent(o -> {
            String key = settings.inboxKey(o);
            Optional<HeadObjectResponse> now = head(key);
            if (now.isPresent() && taken.etag(o).map(e -> e.equals(Fingerprint.unquote(now.get().eTag()))).orElse(false)) {
                s3.deleteObject(b -> b.bucket(bucket).key(key));
            }
            taken.remove(o);
        });
        try {
            Files.delete(file);
            removeEmptyFolders(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + " once archived in the bucket", e);
        }
        LOG.info("archived {} in s3://{}/{}", relative, bucket, target);
    }

    /**
     * A server-side copy; false when the source left meanwhile (another node that finished the same drop archived it
     * a moment ago): then the local file is uploaded instead.
     */
    private boolean copied(String source, String target) {
        try {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket).destinationKey(target));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw e;
        }
    }

    /**
     * A drop's marker stays until its files have left the inbox (archived, by this node or another); then it goes
     * too, so that the same name can be dropped again.
     */
    void removeSpentMarkers(Collection<BucketDrops.Group> drops, long now) {
        // alone for the stable time first: an uploader may write the marker before the files after all
        loneSince.keySet().retainAll(drops.stream().filter(d -> d.ready() && d.files().isEmpty()).map(d -> d.marker().key()).toList());
        for (BucketDrops.Group d : drops) {
            if (!d.ready() || !d.files().isEmpty()) continue;
            long since = loneSince.computeIfAbsent(d.marker().key(), k -> now);
            if (now - since >= settings.stableMillis()) {
                s3.deleteObject(b -> b.bucket(bucket).key(d.marker().key()));
                loneSince.remove(d.marker().key());
            }
        }
    }

    /**
     * The inbox path a local archive file came from, when this node took it from the bucket: {@code 2026-12-06/anna.wav}
     * and {@code failed/2026-12-06/promo/bob.mp4} came from {@code anna.wav} and {@code promo/bob.mp4}.
     */
    private Optional<String> origin(String relative) {
        String rest = relative.startsWith("failed/") ? relative.substring("failed/".length()) : relative;
        int slash = rest.indexOf('/');
        if (slash < 0) return Optional.empty();
        String candidate = rest.substring(slash + 1);
        return taken.etag(candidate).isPresent() ? Optional.of(candidate) : Optional.empty();
    }

    /** True when the bucket holds this file at {@code key}: its size, and its MD5 where the ETag is one (not multipart). */
    private boolean holds(String key, long size, String md5) {
        return head(key).map(h -> {
            String etag = Fingerprint.unquote(h.eTag());
            return h.contentLength() != null && h.contentLength() == size && (!etag.matches("[0-9a-f]{32}") || etag.equals(md5));
        }).orElse(false);
    }

    private Optional<HeadObjectResponse> head(String key) {
        return io.lipdrop.delivery.S3Objects.head(s3, bucket, key);
    }

    private void removeEmptyFolders(Path folder) throws IOException {
        for (Path f = folder; f != null && !f.equals(archive) && f.startsWith(archive); f = f.getParent()) {
            try (Stream<Path> s = Files.list(f)) {
                if (s.findAny().isPresent()) return;
            }
            Files.deleteIfExists(f);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

}
