package io.lipdrop.bucket;

/**
 * One object under the bucket's inbox prefix, as a listing shows it.
 *
 * @param relative its key without the inbox prefix: {@code anna.wav}, {@code promo/bob.mp4}
 * @param etag     without quotes; it changes whenever the object is written again
 */
public record BucketObject(String relative, String key, long size, String etag) {

    /** What tells two versions of a drop apart: a new, changed or removed object changes it. */
    String signature() { return relative + "\u0000" + size + "\u0000" + etag; }
}
