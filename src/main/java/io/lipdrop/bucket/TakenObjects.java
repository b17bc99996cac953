package io.lipdrop.bucket;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The bucket objects this node has downloaded into its own inbox and not yet archived in the bucket: inbox-relative
 * path and ETag. It keeps a node from taking the same object twice (its local copy may already have moved on to its
 * local archive), and tells the archive which inbox object a local file came from. Written atomically at each change,
 * in {@code data/bucket-inbox.properties}, so a restart knows it; a crash between a download and its record only
 * downloads that object again.
 */
final class TakenObjects {
    private final Path file;
    private final Map<String, String> etags = new TreeMap<>();

    TakenObjects(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            p.stringPropertyNames().forEach(k -> etags.put(k, p.getProperty(k)));
        }
    }

    synchronized Optional<String> etag(String relative) { return Optional.ofNullable(etags.get(relative)); }

    synchronized Map<String, String> all() { return Map.copyOf(etags); }

    synchronized void put(String relative, String etag) {
        if (etag.equals(etags.put(relative, etag))) return;
        save();
    }

    synchronized void remove(String relative) {
        if (etags.remove(relative) != null) save();
    }

    private void save() {
        Properties p = new Properties();
        p.putAll(etags);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "bucket inbox objects this node has taken (inbox-relative path = ETag)");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
