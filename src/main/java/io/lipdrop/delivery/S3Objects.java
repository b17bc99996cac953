package io.lipdrop.delivery;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Small reads of one object that the bucket's users share: its head, or a few bytes of it. */
public final class S3Objects {
    private S3Objects() {}

    /** An object larger than a small read takes. */
    public static final class TooLarge extends IllegalStateException {
        TooLarge(String message) { super(message); }
    }

    /**
     * A small object's bytes (a report, captions, an error note); empty when it is gone, {@link TooLarge} when it has more
     * than {@code maxBytes}, which is not read (the connection is dropped, not drained).
     */
    public static Optional<byte[]> read(S3Client s3, String bucket, String key, long maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            byte[] b = length != null && length > maxBytes ? null : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (b == null || b.length > maxBytes) {
                in.abort(); // not read to its end: the connection is not reused
                throw new TooLarge("s3://" + bucket + "/" + key + " is larger than " + maxBytes + " bytes");
            }
            return Optional.of(b);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key, e);
        }
    }

    /** The object's head; empty when there is none (a HEAD's 404 comes without an error code from some servers). */
    public static Optional<HeadObjectResponse> head(S3Client s3, String bucket, String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw e;
        }
    }
}
