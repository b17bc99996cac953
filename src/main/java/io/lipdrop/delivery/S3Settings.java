package io.lipdrop.delivery;

import io.lipdrop.Settings;

/**
 * Where results go. An empty bucket turns delivery off. Empty credentials mean the AWS default chain
 * (environment, profile, instance role). {@link #toString()} never shows the secret.
 */
public record S3Settings(String bucket, String prefix, String region, String endpoint, boolean pathStyle,
                         String accessKey, String secretKey, long partSize, long retryInitialMillis, long retryMaxMillis,
                         int timeoutSeconds) {

    /** S3's smallest allowed part (except the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    public static S3Settings from(Settings s) {
        String endpoint = s.get("lipdrop.s3.endpoint");
        String pathStyle = s.get("lipdrop.s3.path-style");
        long part = s.getLong("lipdrop.s3.part-size");
        if (part < MIN_PART_SIZE) throw new IllegalArgumentException("lipdrop.s3.part-size must be at least 5 MiB (S3's minimum)");
        String prefix = trimSlashes(s.get("lipdrop.s3.prefix"));
        // in bucket mode the results go beside the inbox and the archive, to outbox/ unless a prefix is set
        if (prefix.isEmpty() && s.bucketIntake()) prefix = "outbox";
        return new S3Settings(s.get("lipdrop.s3.bucket"), prefix, s.get("lipdrop.s3.region"),
                endpoint, "auto".equals(pathStyle) ? !endpoint.isEmpty() : Boolean.parseBoolean(pathStyle),
                s.get("lipdrop.s3.access-key"), s.get("lipdrop.s3.secret-key"), part,
                s.getLong("lipdrop.s3.retry-initial-millis"), s.getLong("lipdrop.s3.retry-max-millis"),
                s.getInt("lipdrop.s3.timeout-seconds"));
    }

    public boolean enabled() { return !bucket.isEmpty(); }

    /** The object key for a path relative to the outbox: {@code <prefix>/promo/anna.mp4}. */
    public String keyFor(String outboxRelative) {
        return keyFor(null, outboxRelative);
    }

    /** @param jobPrefix the prefix a job's own settings give its files, in place of lipdrop.s3.prefix (null: none) */
    public String keyFor(String jobPrefix, String outboxRelative) {
        String k = outboxRelative.replace('\\', '/');
        String p = jobPrefix != null ? jobPrefix : prefix;
        return p.isEmpty() ? k : p + "/" + k;
    }

    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + (endpoint.isEmpty() ? "" : " at " + endpoint);
    }

    @Override
    public String toString() {
        return "S3Settings[" + describe() + ", region " + region + ", credentials "
                + (accessKey.isEmpty() ? "from the default chain" : "access key " + accessKey + " and a secret") + "]";
    }

    private static String trimSlashes(String p) {
        return p.replaceAll("^/+", "").replaceAll("/+$", "");
    }
}
