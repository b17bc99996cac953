package io.lipdrop.lipsync;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the model to run. {@code lipdrop.model=auto}: the one .onnx file in models/ other than the default
 * (so dropping wav2lip_gan.onnx there is enough), else models/lipdrop-default.onnx, else the copy embedded
 * in the jar. Any other value names a file (relative to models/ or absolute).
 */
public final class ModelLocator {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLocator.class);

    /** A model's bytes and identity; the hash is part of every job's idempotency key. */
    /** @param isDefault the generated baseline, found by {@code auto} because no other model is installed */
    public record ModelFile(String name, byte[] bytes, String sha256, boolean isDefault) {
        public ModelFile(String name, byte[] bytes, String sha256) { this(name, bytes, sha256, false); }
    }

    private ModelLocator() {}

    public static ModelFile locate(String setting, Path modelsDir) {
        if (!"auto".equals(setting)) {
            Path file = modelsDir.resolve(setting);
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("lipdrop.model: no model file " + file);
            return read(file);
        }
        List<Path> candidates = List.of();
        if (Files.isDirectory(modelsDir)) {
            try (Stream<Path> s = Files.list(modelsDir)) {
                candidates = s.filter(p -> p.getFileName().toString().endsWith(".onnx"))
                        .filter(p -> !p.getFileName().toString().equals(DefaultModelGenerator.FILE_NAME))
                        .sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (candidates.size() == 1) return read(candidates.get(0));
        if (candidates.size() > 1) {
            LOG.warn("several models in {} ({}): using the default; set lipdrop.model to choose one", modelsDir,
                    candidates.stream().map(p -> p.getFileName().toString()).toList());
        }
        return baseline(modelsDir);
    }

    /** The generated baseline: models/lipdrop-default.onnx, else the copy embedded in the jar. */
    public static ModelFile baseline(Path modelsDir) {
        Path bundled = modelsDir.resolve(DefaultModelGenerator.FILE_NAME);
        if (Files.isRegularFile(bundled)) {
            ModelFile f = read(bundled);
            return new ModelFile(f.name(), f.bytes(), f.sha256(), true);
        }
        try (InputStream in = ModelLocator.class.getResourceAsStream("/models/" + DefaultModelGenerator.FILE_NAME)) {
            if (in == null) throw new IllegalStateException("the embedded default model is missing from the jar");
            byte[] bytes = in.readAllBytes();
            return new ModelFile(DefaultModelGenerator.FILE_NAME + " (embedded)", bytes, ContentHasher.sha256(bytes), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelFile read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new ModelFile(file.getFileName().toString(), bytes, ContentHasher.sha256(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + file, e);
        }
    }
}
