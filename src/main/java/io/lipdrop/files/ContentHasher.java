package io.lipdrop.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lowercase hex, the one place LipDrop makes it: of a file, streamed in 1 MiB reads so a multi-GB video
 * never sits in memory, of a stream or bytes, or ({@link #newDigest}, {@link #hex}) of bytes hashed on their way
 * somewhere else (a download, a copy, an upload's fingerprint).
 */
public final class ContentHasher {
    private static final int BUFFER = 1 << 20;

    public String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to hash it", e);
        }
    }

    /** SHA-256 of a stream (a file, or an object read back from S3), read to its end. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        return hex(md);
    }

    /** MD5 of a file, as hex: what S3 gives an object put in one piece as its ETag, to check a copy against. */
    public static String md5(java.nio.file.Path file) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return hex(md);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        MessageDigest md = newDigest();
        md.update(bytes);
        return hex(md);
    }

    /** The digest's value as lowercase hex; the digest is reset. */
    public static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 over the given parts, each length-prefixed so no two part lists collide. */
    public static String combine(String... parts) {
        MessageDigest md = newDigest();
        for (String p : parts) {
            byte[] b = p.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            md.update((b.length + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            md.update(b);
        }
        return hex(md);
    }

    /** A fresh SHA-256 digest (every JDK has one), for bytes hashed while they are read or written. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
