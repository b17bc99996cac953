package io.lipdrop.models;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.lipsync.ModelRefusedException;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Installs one model into models/: the bytes go to a hidden temporary file in the same folder whose name does not end
 * in .onnx (so {@code lipdrop.model=auto} never sees it), are hashed as they are written, checked against the expected
 * SHA-256 and against Wav2Lip's interface, and only then renamed into place with one atomic move. A failure at any
 * step deletes the temporary file; models/ never shows a partial or unchecked model.
 */
public final class ModelInstaller {
    /** Temporary files: {@code .<name>.<random>.part}. */
    public static final String TEMP_SUFFIX = ".part";

    public enum Outcome { INSTALLED, REPLACED, ALREADY_INSTALLED }

    public record Installed(Outcome outcome, Path file, long size, String sha256, ModelInterface contract) {}

    private final Path modelsDir;
    private final PrintStream progress;

    public ModelInstaller(Path modelsDir, PrintStream progress) {
        this.modelsDir = modelsDir;
        this.progress = progress;
    }

    /**
     * @param expectedSha256 the SHA-256 the bytes must have (lower or upper case hex), or null for none
     * @param force          replace a file of the same name with other content
     */
    public Installed install(ModelSource source, String name, String expectedSha256, boolean force)
            throws IOException, ModelRefusedException {
        checkName(name);
        Files.createDirectories(modelsDir);
        Path target = modelsDir.resolve(name);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) throw new ModelRefusedException(target + " is a folder");
        Path temp = modelsDir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + TEMP_SUFFIX);
        Files.createFile(temp); // the umask's permissions, as cp would give: a service running as another user can read it
        File cleanup = temp.toFile();
        cleanup.deleteOnExit(); // Ctrl-C during a download
        boolean moved = false;
        try {
            String sha = source.copyTo(temp, progress);
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
                throw new ModelRefusedException("SHA-256 mismatch for " + source.describe() + ": expected " + expectedSha256.toLowerCase()
                        + ", got " + sha + ". The file is not the one you meant (damaged, truncated or replaced); it was deleted and"
                        + " nothing was installed.");
            }
            long size = Files.size(temp);
            ModelInterface contract = ModelInterface.check(name, Files.readAllBytes(temp));
            Outcome outcome = Outcome.INSTALLED;
            if (Files.exists(target)) {
                String existing;
                try (InputStream in = Files.newInputStream(target)) {
                    existing = ContentHasher.sha256(in);
                }
                if (existing.equals(sha)) return new Installed(Outcome.ALREADY_INSTALLED, target, size, sha, contract);
                if (!force) {
                    throw new ModelRefusedException(target + " already exists with other content (sha256 " + existing
                            + "; the new file's is " + sha + "): add --force to replace it, or --name to install it under another name");
                }
                outcome = Outcome.REPLACED;
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncFolder();
            return new Installed(outcome, target, size, sha, contract);
        } finally {
            if (!moved) Files.deleteIfExists(temp);
        }
    }

    /** A plain visible file name ending in .onnx (what auto looks for), and not the default model's. */
    public static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("cannot tell the model's file name from the source: give one with --name NAME.onnx");
        }
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("'" + name + "' is not a plain file name: give --name NAME.onnx");
        }
        if (!name.endsWith(".onnx")) {
            throw new IllegalArgumentException("the model's file name '" + name + "' must end in .onnx (lipdrop.model=auto looks for"
                    + " *.onnx): give --name NAME.onnx");
        }
        if (name.equals(DefaultModelGenerator.FILE_NAME)) {
            throw new IllegalArgumentException(name + " is the name of LipDrop's default model: give another with --name NAME.onnx");
        }
    }

    /** The rename itself on disk too (best effort: not every file system lets a folder be opened for it). */
    private void syncFolder() {
        try (FileChannel dir = FileChannel.open(modelsDir, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the file's own data was forced before the move
        }
    }
}
