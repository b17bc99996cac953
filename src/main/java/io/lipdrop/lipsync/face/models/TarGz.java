package io.lipdrop.lipsync.face.models;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads chosen entries of a .tgz (what {@code npm pack} writes) with Apache Commons Compress, which knows the tar
 * dialects (ustar's prefix field, pax {@code path} records, GNU long names, base-256 sizes). Nothing is written
 * anywhere: an entry's bytes are returned only when it is a regular file whose name is exactly one of the wanted
 * names, so an entry named {@code ../x} or {@code /x}, a symbolic or hard link, a device or a folder never reaches
 * the caller (who writes under names of its own, see FaceModelStore), and an entry larger than any LipDrop reads is
 * refused before it is read.
 */
final class TarGz {
    /** no entry LipDrop reads is near this; a larger one means a wrong or hostile archive */
    private static final long MAX_ENTRY = 256L << 20;

    private TarGz() {}

    /** The regular-file entries named in {@code wanted}, by name; those not in the archive are absent. */
    static Map<String, byte[]> read(Path tgz, Set<String> wanted) throws IOException {
        Map<String, byte[]> found = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
            for (TarArchiveEntry e; found.size() < wanted.size() && (e = tar.getNextEntry()) != null; ) {
                if (!regularFile(e) || !wanted.contains(e.getName())) continue;
                if (e.getSize() > MAX_ENTRY) {
                    throw new IOException(tgz.getFileName() + ": an entry of " + e.getSize() + " bytes is larger than expected");
                }
                byte[] data = tar.readNBytes((int) e.getSize());
                if (data.length != e.getSize()) throw new EOFException(tgz.getFileName() + " ends in the middle of an entry");
                found.put(e.getName(), data);
            }
        }
        return found;
    }

    /** By the type flag: Commons Compress's isFile() is also true for links. */
    private static boolean regularFile(TarArchiveEntry e) {
        byte type = e.getLinkFlag();
        return type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG;
    }
}
