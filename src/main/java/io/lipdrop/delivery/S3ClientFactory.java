package io.lipdrop.delivery;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;
import java.time.Duration;

/**
 * The S3 client LipDrop hands to camel-aws2-s3. Checksums only WHEN_REQUIRED: AWS SDK 2.30+ otherwise
 * sends chunked uploads with checksum trailers, which some S3-compatible servers store verbatim (the
 * upload "succeeds" and the object is corrupt). Retries are LipDrop's own (with backoff, across restarts),
 * so the SDK tries once more at most.
 */
public final class S3ClientFactory {
    private S3ClientFactory() {}

    public static S3Client create(S3Settings s) {
        AwsCredentialsProvider credentials = s.accessKey().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
        var builder = S3Client.builder()
                .region(Region.of(s.region()))
                .credentialsProvider(credentials)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle()).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofSeconds(s.timeoutSeconds()))
                        .build());
        if (!s.endpoint().isEmpty()) builder.endpointOverride(URI.create(s.endpoint()));
        return builder.build();
    }
}
