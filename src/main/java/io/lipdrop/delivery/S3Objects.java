package io.lipdrop.delivery;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Optional;

/** Small reads of one object that the bucket's users share. */
public final class S3Objects {
    private S3Objects() {}

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
