package io.lipdrop.delivery;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The jobs page's way to the bucket in bucket mode: short-lived presigned GET URLs for the results (a node serves
 * files that another node made, and the bytes go from the bucket to the browser, not through this node), and small
 * objects (reports, captions) read with the S3 client. Configured as {@link S3ClientFactory} configures delivery's
 * client: the same endpoint, path style, region and credentials.
 */
public final class DownloadLinks implements AutoCloseable {
    private final S3Settings s3;
    private final Duration lifetime;
    private final S3Presigner presigner;
    private final S3Client client;

    public DownloadLinks(S3Settings s3, int presignSeconds) {
        // SigV4 allows 1 second to 7 days
        if (presignSeconds < 1 || presignSeconds > 7 * 24 * 3600) {
            throw new IllegalArgumentException("setting lipdrop.s3.presign-seconds must be from 1 to 604800 (7 days), not " + presignSeconds);
        }
        this.s3 = s3;
        this.lifetime = Duration.ofSeconds(presignSeconds);
        AwsCredentialsProvider credentials = s3.accessKey().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
        var builder = S3Presigner.builder().region(Region.of(s3.region())).credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(s3.pathStyle()).build());
        if (!s3.endpoint().isEmpty()) builder.endpointOverride(URI.create(s3.endpoint()));
        this.presigner = builder.build();
        this.client = S3ClientFactory.create(s3);
    }

    public S3Settings settings() { return s3; }

    public Duration lifetime() { return lifetime; }

    /** A URL that GETs the object at {@code key} without credentials until {@link #lifetime()} has passed. */
    public URI presignedGet(String key) {
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(lifetime).getObjectRequest(g -> g.bucket(s3.bucket()).key(key)))
                    .url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the presigned URL for " + key + " is not a URI", e);
        }
    }

    /** The same for a HEAD request: S3 signs the method, so a GET URL answers a HEAD with 403. */
    public URI presignedHead(String key) {
        try {
            return presigner.presignHeadObject(p -> p.signatureDuration(lifetime).headObjectRequest(h -> h.bucket(s3.bucket()).key(key)))
                    .url().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the presigned URL for " + key + " is not a URI", e);
        }
    }

    /**
     * The origin (scheme, host, port) the presigned URLs lead to: the page's Content-Security-Policy must allow it for
     * the video player, which follows the redirect there.
     */
    public String origin() {
        URI u = presignedGet("origin");
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /** The object's bytes, empty when there is no such object; one larger than {@code maxBytes} is refused. */
    public Optional<byte[]> read(String key, long maxBytes) {
        return S3Objects.read(client, s3.bucket(), key, maxBytes);
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
    }
}
