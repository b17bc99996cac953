package io.lipdrop.testing;

import io.lipdrop.lipsync.asr.ModelArchive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zips as alphacephei publishes Vosk models (one top folder), for installing a language: only English's model is on
 * Maven, so tests install a copy of it under another language's code to try the mechanism with a real model.
 */
public final class VoskModelZips {
    private VoskModelZips() {}

    /** The English model the build fetched into the installation's models/ (-Dlipdrop.app). */
    public static Path englishModel() {
        Path dir = Path.of(System.getProperty("lipdrop.app", ".")).resolve("models").resolve(ModelArchive.VOSK_EN.folder());
        assertTrue(Files.isRegularFile(dir.resolve("am/final.mdl")), "the build fetches Vosk's English model into " + dir);
        return dir;
    }

    /** A zip of English's model under {@code top}/, as {@code vosk-model-small-de-0.15.zip} holds German's. */
    public static Path englishAs(Path zip, String top) throws IOException {
        Path dir = englishModel();
        Files.createDirectories(zip.getParent());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(dir)) {
            out.setLevel(Deflater.BEST_SPEED); // 70 MB: speed over size
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(top + "/" + dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return zip;
    }

    /** A zip of the given entries (name to content), in order. */
    public static Path of(Path zip, Map<String, String> entries) throws IOException {
        Files.createDirectories(zip.getParent());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                OutputStream o = out;
                o.write(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    /** Every path under {@code dir} whose file name is one of {@code names}. */
    public static List<Path> find(Path dir, String... names) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> List.of(names).contains(p.getFileName().toString())).toList();
        }
    }
}
