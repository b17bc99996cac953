package io.lipdrop.lipsync.face.models;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TarGz on real .tgz files written by GNU tar: its three formats, and hostile archives. */
class TarGzTest {
    @TempDir Path dir;

    @Test
    void readsTheWantedEntriesOfEveryTarFormatAndNothingElse() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        // 150 characters: a GNU long name, a pax path record, or ustar's prefix field, by format
        String longName = "package/" + "d".repeat(60) + "/" + "m".repeat(70) + ".bin";
        byte[] model = bytes(70_000, 1);
        byte[] loader = bytes(513, 2);
        write(src.resolve(longName), model);
        write(src.resolve("package/loader.json"), loader);
        write(src.resolve("package/README.md"), bytes(10, 3));
        for (String format : List.of("gnu", "pax", "ustar")) {
            Path tgz = dir.resolve(format + ".tgz");
            tar(src, "-czf", tgz.toString(), "--format=" + format, "package");
            Map<String, byte[]> got = TarGz.read(tgz, Set.of(longName, "package/loader.json", "package/absent.bin"));
            assertEquals(Set.of(longName, "package/loader.json"), got.keySet(), format);
            assertArrayEquals(model, got.get(longName), format);
            assertArrayEquals(loader, got.get("package/loader.json"), format);
        }
    }

    @Test
    void aHostileArchiveGivesNoLinkNoEscapingNameAndWritesNothing() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        byte[] secret = bytes(100, 4);
        write(outside.resolve("secret.bin"), secret);
        Path work = Files.createDirectories(dir.resolve("work/sub"));
        write(dir.resolve("work/escape.bin"), bytes(50, 5));
        Files.createDirectories(work.resolve("package"));
        // the names a caller asks for, as links: to a file outside and, hard, to one inside
        Files.createSymbolicLink(work.resolve("package/model.bin"), outside.resolve("secret.bin"));
        write(work.resolve("package/plain.bin"), bytes(30, 6));
        Files.createLink(work.resolve("package/hard.bin"), work.resolve("package/plain.bin"));
        Files.createSymbolicLink(work.resolve("package/dir"), outside);
        Path tgz = dir.resolve("evil.tgz");
        // -P keeps ../ and leading / in the names, as a hostile archive has them
        tar(work, "-czPf", tgz.toString(), "../escape.bin", outside.resolve("secret.bin").toString(), "package/plain.bin",
                "package/hard.bin", "package/model.bin", "package/dir");
        List<String> names = tarNames(tgz);
        assertTrue(names.contains("../escape.bin") && names.contains(outside.resolve("secret.bin").toString())
                && names.contains("package/model.bin") && names.contains("package/hard.bin"), names.toString());
        List<Path> before = tree(dir);

        Map<String, byte[]> got = TarGz.read(tgz, Set.of("package/model.bin", "package/hard.bin", "package/dir", "escape.bin",
                "package/escape.bin", outside.resolve("secret.bin").toString().substring(1), "outside/secret.bin", "package/plain.bin"));
        assertEquals(Set.of("package/plain.bin"), got.keySet(), "only the regular file under its own name");
        assertEquals(before, tree(dir), "nothing written or removed anywhere");
        assertArrayEquals(secret, Files.readAllBytes(outside.resolve("secret.bin")));
    }

    @Test
    void anOversizedEntryIsRefusedBeforeItIsReadAndACutArchiveFails() throws Exception {
        // a header that claims 300 MiB for a wanted entry, and no data: refused on its size alone
        TarArchiveEntry huge = new TarArchiveEntry("package/huge.bin");
        huge.setSize(300L << 20);
        byte[] header = new byte[512];
        huge.writeEntryHeader(header);
        Path big = gzip(dir.resolve("big.tgz"), header);
        IOException e = assertThrows(IOException.class, () -> TarGz.read(big, Set.of("package/huge.bin")));
        assertEquals("big.tgz: an entry of 314572800 bytes is larger than expected", e.getMessage());

        // a real archive cut in the middle of the wanted entry
        Path src = Files.createDirectories(dir.resolve("src"));
        write(src.resolve("package/model.bin"), bytes(10_000, 7));
        Path whole = dir.resolve("whole.tgz");
        tar(src, "-czf", whole.toString(), "package");
        byte[] tarBytes;
        try (var in = new GZIPInputStream(Files.newInputStream(whole))) {
            tarBytes = in.readAllBytes();
        }
        Path cut = gzip(dir.resolve("cut.tgz"), Arrays.copyOf(tarBytes, 512 * 3 + 4_000));
        assertThrows(IOException.class, () -> TarGz.read(cut, Set.of("package/model.bin")));
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    private static Path gzip(Path tgz, byte[] tar) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            out.write(tar);
        }
        return tgz;
    }

    private static void tar(Path in, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tar", "-C", in.toString()));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static List<String> tarNames(Path tgz) throws IOException, InterruptedException {
        return List.of(run(List.of("tar", "-tzPf", tgz.toString())).split("\n"));
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertEquals(0, p.waitFor(), cmd + ": " + out);
        return out.toString();
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.sorted().toList();
        }
    }
}
