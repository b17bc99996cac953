package io.lipdrop.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns upload failures into one clear line per cause (not a stack trace per retry), and remembers the
 * current cause for the health check. The line is repeated only when the cause changes.
 */
public final class DeliveryProblems {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProblems.class);

    /** Why uploads are failing, or null while they work. */
    private volatile String current;
    private final S3Settings settings;

    public DeliveryProblems(S3Settings settings) { this.settings = settings; }

    public String current() { return current; }

    /** Logs the cause if it is new; returns it. */
    public String report(Throwable error) {
        String cause = describe(error);
        if (!cause.equals(current)) {
            current = cause;
            if (isConfiguration(error)) LOG.error("S3 delivery: {}", cause);
            else LOG.warn("S3 delivery: {}; results stay in the outbox and are retried", cause);
        }
        return cause;
    }

    public void recovered() {
        if (current != null) {
            LOG.info("S3 delivery works again ({})", settings.describe());
            current = null;
        }
    }

    String describe(Throwable error) {
        S3Exception s3 = find(error, S3Exception.class);
        if (s3 != null) {
            String code = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
            if ("NoSuchBucket".equals(code) || (s3.statusCode() == 404 && (code == null || code.isEmpty()))) {
                return "bucket '" + settings.bucket() + "' does not exist" + at() + ": create it or correct lipdrop.s3.bucket";
            }
            if (s3.statusCode() == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
                // a HEAD or a bodiless 403 carries no error code: then the status says it
                return "the server refused LipDrop's credentials for bucket '" + settings.bucket() + "'" + at() + " ("
                        + (code == null || code.isEmpty() ? "HTTP " + s3.statusCode() : code) + "): check lipdrop.s3.access-key and lipdrop.s3.secret-key";
            }
            return "the server answered " + s3.statusCode() + (code == null ? "" : " " + code) + at();
        }
        SdkClientException client = find(error, SdkClientException.class);
        if (client != null) return "the S3 endpoint cannot be reached" + at() + " (" + rootMessage(client) + ")";
        if (error instanceof DeliveryMismatchException) return error.getMessage();
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    /** Failures that retrying cannot fix until someone changes the settings or creates the bucket. */
    static boolean isConfiguration(Throwable error) {
        S3Exception s3 = find(error, S3Exception.class);
        return s3 != null && (s3.statusCode() == 403 || s3.statusCode() == 404);
    }

    private String at() { return settings.endpoint().isEmpty() ? "" : " at " + settings.endpoint(); }

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }

}
