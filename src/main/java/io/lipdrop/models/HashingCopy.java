package io.lipdrop.models;

import io.lipdrop.files.ContentHasher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/** Streams bytes into a file, forces them to disk and returns their SHA-256: the hash is of exactly what was written. */
final class HashingCopy {
    private static final int BUFFER = 64 * 1024;

    private HashingCopy() {}

    /** Writes {@code in} to {@code target} (which exists and is empty); {@code progress} gets the bytes written so far. */
    static String copy(InputStream in, Path target, LongConsumer progress) throws IOException {
        MessageDigest md = ContentHasher.newDigest();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int n; (n = read(in, buf)) >= 0; ) {
                if (n == 0) continue;
                md.update(buf, 0, n);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) out.write(b);
                total += n;
                progress.accept(total);
            }
            out.force(true); // on disk before it can be renamed into place
        }
        return ContentHasher.hex(md);
    }

    /** The source failed (a connection that broke off), as opposed to the target (a full disk). */
    static final class ReadFailed extends IOException {
        ReadFailed(IOException cause) {
            super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
        }
    }

    private static int read(InputStream in, byte[] buf) throws ReadFailed {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw new ReadFailed(e);
        }
    }
}
