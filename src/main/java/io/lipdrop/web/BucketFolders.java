package io.lipdrop.web;

import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bucket mode (lipdrop.intake.source=s3): the bucket's inbox and archive as the page's uploads, redos and quarantine
 * view use them, in place of this node's folders (another node may take the drop; this node's disk may go). The
 * prefixes are lipdrop.s3.inbox-prefix and lipdrop.s3.archive-prefix, given as plain strings: the page does not depend
 * on the bucket intake's package. Relative paths are checked by the callers ({@link SafePaths}).
 */
public final class BucketFolders implements AutoCloseable {
    /** The marker that tells the bucket intake a drop is complete: {@code anna.ready}, {@code promo/.ready}. */
    static final String READY = ".ready";

    private final S3Client s3;
    private final String bucket;
    private final String inboxPrefix;
    private final String archivePrefix;

    /** @param inboxPrefix, archivePrefix without slashes at either end, as the bucket intake's settings give them */
    public BucketFolders(S3Settings settings, String inboxPrefix, String archivePrefix) {
        if (inboxPrefix == null || inboxPrefix.isEmpty() || archivePrefix == null || archivePrefix.isEmpty()) {
            throw new IllegalArgumentException("bucket mode needs the bucket's inbox and archive prefixes, not '" + inboxPrefix + "' and '"
                    + archivePrefix + "'");
        }
        this.s3 = S3ClientFactory.create(settings);
        this.bucket = settings.bucket();
        this.inboxPrefix = inboxPrefix;
        this.archivePrefix = archivePrefix;
    }

    public String bucket() { return bucket; }

    /** {@code inbox/promo/anna.mp4} for {@code promo/anna.mp4}. */
    public String inboxKey(String relative) { return inboxPrefix + "/" + relative; }

    /** {@code archive/2026-12-06/anna.wav} for {@code 2026-12-06/anna.wav}. */
    public String archiveKey(String relative) { return archivePrefix + "/" + relative; }

    /** Where the inbox is, for messages: {@code s3://lipdrop/inbox/}. */
    public String inboxUrl() { return "s3://" + bucket + "/" + inboxPrefix + "/"; }

    /**
     * The names directly in the bucket's inbox: files ({@code anna.mp4}, {@code anna.ready}) and folders ({@code promo}),
     * from a paged listing.
     */
    public Set<String> inboxNames() {
        Set<String> names = new TreeSet<>();
        String prefix = inboxPrefix + "/";
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
            for (S3Object o : page.contents()) {
                if (o.key().length() > prefix.length()) names.add(o.key().substring(prefix.length()));
            }
            for (CommonPrefix p : page.commonPrefixes()) {
                String folder = p.prefix().substring(prefix.length());
                if (folder.length() > 1) names.add(folder.substring(0, folder.length() - 1));
            }
        }
        return names;
    }

    /**
     * Every key in the bucket's inbox, inbox-relative ({@code anna.wav}, {@code promo/bob.mp4}), markers and hidden
     * names left out, from a paged listing: what waits there, whichever node will take it.
     */
    public List<String> inboxFiles() {
        String prefix = inboxPrefix + "/";
        List<String> files = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String relative = o.key().substring(prefix.length());
            String name = relative.substring(relative.lastIndexOf('/') + 1);
            if (!name.isEmpty() && !name.startsWith(".") && !name.endsWith(READY)) files.add(relative);
        }
        return files;
    }

    /** The folders directly under {@code archive/<relative>/} (names without slashes). */
    public List<String> archiveFolders(String relative) {
        String prefix = relative.isEmpty() ? archivePrefix + "/" : archiveKey(relative) + "/";
        List<String> folders = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))) {
            for (CommonPrefix p : page.commonPrefixes()) {
                String folder = p.prefix().substring(prefix.length());
                if (folder.length() > 1) folders.add(folder.substring(0, folder.length() - 1));
            }
        }
        return folders;
    }

    /** Every object under {@code archive/<relative>/}, all pages. */
    public List<S3Object> archiveObjects(String relative) {
        String prefix = archiveKey(relative) + "/";
        List<S3Object> all = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) all.addAll(page.contents());
        return all;
    }

    /** Uploads a local file to the bucket's inbox. */
    public void putInbox(String relative, Path file) {
        s3.putObject(b -> b.bucket(bucket).key(inboxKey(relative)), RequestBody.fromFile(file));
    }

    /** Removes an inbox object (what an upload that failed half-way had put there). */
    public void deleteInbox(String relative) {
        s3.deleteObject(b -> b.bucket(bucket).key(inboxKey(relative)));
    }

    /** Removes any object of the bucket (an archived file moved back into the inbox, its report). */
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /**
     * Writes a drop into the inbox: {@code write} puts entry {@code i} of {@code relatives} (all but the last, in order),
     * then the marker, the last of them. When one fails, what was written is removed again (best effort): without its
     * marker a half drop would still be taken once it stopped changing.
     */
    public void writeDrop(List<String> relatives, java.util.function.IntConsumer write) {
        List<String> done = new ArrayList<>();
        try {
            for (int i = 0; i < relatives.size() - 1; i++) {
                write.accept(i);
                done.add(relatives.get(i));
            }
            putMarker(relatives.get(relatives.size() - 1));
        } catch (RuntimeException e) {
            for (String t : done) {
                try {
                    deleteInbox(t);
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /** Writes a drop's empty {@code .ready} marker: {@code anna.ready} or {@code promo/.ready}. */
    public void putMarker(String relative) {
        s3.putObject(b -> b.bucket(bucket).key(inboxKey(relative)), RequestBody.empty());
    }

    /** A server-side copy of an object (from the archive) into the inbox: the bytes do not pass through this node. */
    public void copyIntoInbox(String archiveKey, String inboxRelative) {
        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(archiveKey).destinationBucket(bucket).destinationKey(inboxKey(inboxRelative)));
    }

    public Optional<HeadObjectResponse> head(String key) {
        return io.lipdrop.delivery.S3Objects.head(s3, bucket, key);
    }

    /** The object's SHA-256 (hex), read through once; empty when it is gone. */
    public Optional<String> sha256(String key) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return Optional.of(io.lipdrop.files.ContentHasher.sha256(in));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key, e);
        }
    }

    /** A small object's bytes; empty when it is gone or larger than {@code maxBytes}. */
    public Optional<byte[]> read(String key, int maxBytes) {
        try {
            return io.lipdrop.delivery.S3Objects.read(s3, bucket, key, maxBytes);
        } catch (io.lipdrop.delivery.S3Objects.TooLarge e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
