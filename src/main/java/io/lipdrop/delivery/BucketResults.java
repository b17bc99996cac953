package io.lipdrop.delivery;

import io.lipdrop.job.ResultFetcher;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Delivered results read back from the bucket (bucket mode), by the keys delivery gave them. */
public final class BucketResults implements ResultFetcher {
    private final S3Client s3;
    private final S3Settings settings;

    public BucketResults(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.settings = settings;
    }

    @Override
    public void fetch(String path, String s3Prefix, Path target) throws IOException {
        String key = settings.keyFor(s3Prefix, path);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".fetch.tmp");
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket()).key(key))) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (SdkException e) {
            throw new IOException("cannot fetch s3://" + settings.bucket() + "/" + key + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
