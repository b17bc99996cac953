package io.lipdrop.delivery;

import io.lipdrop.files.ContentHasher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a correctly stored object must look like: its size, its SHA-256, and the ETag S3 gives it:
 * the MD5 for a single PUT, or MD5(part MD5s) + "-N" for a multipart upload cut at {@code partSize},
 * as camel-aws2-s3 cuts it. Computed in one streamed pass.
 */
public record Fingerprint(long size, String sha256, String expectedEtag) {

    public static Fingerprint of(Path file, long partSize) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = ContentHasher.newDigest();
            MessageDigest whole = MessageDigest.getInstance("MD5");
            MessageDigest part = MessageDigest.getInstance("MD5");
            MessageDigest partsOfParts = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 20];
            long size = 0, inPart = 0;
            int parts = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                whole.update(buf, 0, n);
                int off = 0;
                while (off < n) {
                    int take = (int) Math.min(n - off, partSize - inPart);
                    part.update(buf, off, take);
                    inPart += take;
                    off += take;
                    if (inPart == partSize) {
                        partsOfParts.update(part.digest());
                        parts++;
                        inPart = 0;
                    }
                }
                size += n;
            }
            if (inPart > 0) {
                partsOfParts.update(part.digest());
                parts++;
            }
            HexFormat hex = HexFormat.of();
            // camel-aws2-s3 sends files smaller than one part in a single PUT
            String etag = size < partSize ? hex.formatHex(whole.digest()) : hex.formatHex(partsOfParts.digest()) + "-" + parts;
            return new Fingerprint(size, ContentHasher.hex(sha), etag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the server's ETag is the MD5 form we can check (AWS, MinIO, Ceph; not SSE-KMS). */
    public boolean etagComparable(String etag) {
        return etag != null && unquote(etag).matches("[0-9a-f]{32}(-\\d+)?");
    }

    public boolean etagMatches(String etag) {
        return expectedEtag.equals(unquote(etag));
    }

    /** An ETag as S3 sends it ({@code "d41d8..."}) without its quotes, lower case; "" for none. */
    public static String unquote(String etag) {
        return etag == null ? "" : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
    }
}
