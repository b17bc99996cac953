package io.lipdrop.lipsync.face.models;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads chosen entries of a .tgz (what {@code npm pack} writes) with the JDK alone: ustar headers in
 * 512-byte blocks, with the prefix field, pax {@code path} records and GNU long names.
 */
final class TarGz {
    private static final int BLOCK = 512;
    /** no entry LipDrop reads is near this; a larger one means a wrong or hostile archive */
    private static final long MAX_ENTRY = 256L << 20;

    private TarGz() {}

    /** The regular-file entries named in {@code wanted}, by name; those not in the archive are absent. */
    static Map<String, byte[]> read(Path tgz, Set<String> wanted) throws IOException {
        Map<String, byte[]> found = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (found.size() < wanted.size()) {
                if (!readBlock(in, header)) break;
                if (isZero(header)) break; // end of archive
                String name = string(header, 0, 100);
                long size = size(header, tgz);
                char type = (char) (header[156] == 0 ? '0' : header[156]);
                String magic = string(header, 257, 6);
                if (magic.equals("ustar")) { // POSIX ustar; GNU tar ("ustar  ") keeps other data there
                    String prefix = string(header, 345, 155);
                    if (!prefix.isEmpty()) name = prefix + "/" + name;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                switch (type) {
                    case 'x' -> { // pax extended header for the next entry
                        String path = paxPath(new String(content(in, size, tgz), StandardCharsets.UTF_8));
                        if (path != null) longName = path;
                    }
                    case 'L' -> { // GNU long name for the next entry
                        longName = string(content(in, size, tgz), 0, (int) size);
                    }
                    case '0', '7' -> {
                        if (wanted.contains(name)) found.put(name, content(in, size, tgz));
                        else skip(in, padded(size));
                    }
                    default -> skip(in, padded(size));
                }
            }
        }
        return found;
    }

    private static byte[] content(InputStream in, long size, Path tgz) throws IOException {
        if (size > MAX_ENTRY) throw new IOException(tgz.getFileName() + ": an entry of " + size + " bytes is larger than expected");
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) throw new EOFException(tgz.getFileName() + " ends in the middle of an entry");
        skip(in, padded(size) - size);
        return data;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException("archive ends in the middle of an entry");
                s = 1;
            }
            left -= s;
        }
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) return false;
        if (n < BLOCK) throw new EOFException("archive ends in the middle of a header");
        return true;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    /** A NUL-terminated field. */
    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** Octal, or base-256 (GNU) when the field's first byte has its top bit set. */
    private static long size(byte[] h, Path tgz) throws IOException {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) v = (v << 8) | (h[i] & 0xff);
            return v;
        }
        String s = string(h, 124, 12).trim();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(tgz.getFileName() + " is not a tar archive (size field '" + s + "')");
        }
    }

    /** pax records are "LEN key=value\n". */
    private static String paxPath(String records) {
        for (String line : records.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) return line.substring(sp + 1 + "path=".length());
        }
        return null;
    }
}
