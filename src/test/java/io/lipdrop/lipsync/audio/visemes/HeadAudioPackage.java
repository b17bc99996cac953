package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileTrees;
import io.lipdrop.lipsync.audio.AudioDecoder;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The npm package {@code @met4citizen/headaudio} 0.1.0 for the tests: fetched once per test JVM with the real npm
 * client ({@code npm pack}, SHA-256 checked against {@link VisemeModelStore#HEADAUDIO}) and unpacked into a
 * temporary folder; tests that need it are skipped only when npm (or node, for its JavaScript) is not installed.
 */
final class HeadAudioPackage {
    static final Path SPEECH = Path.of("src/test/resources/fixtures/speech_en_16k.wav");
    private static Path unpacked;
    private static float[] speech;

    private HeadAudioPackage() {}

    /** The unpacked package folder ({@code package/} of the tarball). */
    static synchronized Path unpacked() throws IOException, InterruptedException {
        Assumptions.assumeTrue(runs("npm", "--version"), "npm is not installed: the HeadAudio package cannot be fetched");
        if (unpacked != null) return unpacked;
        Path dir = Files.createTempDirectory("lipdrop-headaudio-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.deleteQuietly(dir)));
        Run pack = run(dir, "npm", "pack", VisemeModelStore.HEADAUDIO.spec(), "--prefer-offline");
        assertEquals(0, pack.exit, () -> "npm pack failed: " + pack.output());
        Path tgz = dir.resolve(VisemeModelStore.HEADAUDIO.tarballName());
        assertEquals(VisemeModelStore.HEADAUDIO.tgzSha256(), sha256(Files.readAllBytes(tgz)), "the tarball's SHA-256");
        Run tar = run(dir, "tar", "xzf", tgz.toString());
        assertEquals(0, tar.exit, () -> "tar failed: " + tar.output());
        unpacked = dir.resolve("package");
        return unpacked;
    }

    static Path modelFile() throws IOException, InterruptedException {
        return unpacked().resolve("dist").resolve(VisemeModelStore.MODEL.fileName());
    }

    /** The English speech fixture, decoded as LipDrop decodes audio. */
    static synchronized float[] speech() {
        if (speech == null) speech = new AudioDecoder().decodeMono16k(SPEECH);
        return speech;
    }

    static Path driver() {
        try {
            return Path.of(HeadAudioPackage.class.getResource("/visemes/headaudio-golden.mjs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeFloats(Path file, float[] pcm) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(pcm);
        Files.write(file, b.array());
    }

    static String sha256(byte[] bytes) {
        return ContentHasher.sha256(bytes);
    }

    static boolean runs(String... cmd) {
        try {
            return run(Path.of(System.getProperty("java.io.tmpdir")), cmd).exit == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    record Run(int exit, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    /** Runs a command with its stdout and stderr captured apart. */
    static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lipdrop-run-", ".out");
        Path err = Files.createTempFile("lipdrop-run-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within 3 minutes");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Parses a CSV of numbers. */
    static List<double[]> csv(String text) {
        List<double[]> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] cells = line.split(",");
            double[] row = new double[cells.length];
            for (int i = 0; i < cells.length; i++) row[i] = Double.parseDouble(cells[i]);
            rows.add(row);
        }
        return rows;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
