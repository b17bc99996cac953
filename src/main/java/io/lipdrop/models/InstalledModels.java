package io.lipdrop.models;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.ModelRefusedException;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What models/ holds, each model with its size, SHA-256 and interface, and which one {@code lipdrop.model=auto} runs. */
public final class InstalledModels {
    /** One model; {@code contract} is null and {@code problem} says why when it does not have the Wav2Lip interface. */
    public record Entry(String name, long size, String sha256, ModelInterface contract, String problem) {
        public boolean isDefault() { return name.equals(DefaultModelGenerator.FILE_NAME); }
    }

    private final Path modelsDir;

    public InstalledModels(Path modelsDir) {
        this.modelsDir = modelsDir;
    }

    /** The .onnx files in models/, sorted. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (Path file : onnxFiles()) {
            String name = file.getFileName().toString();
            try {
                entries.add(entry(name, Files.readAllBytes(file)));
            } catch (IOException e) {
                entries.add(new Entry(name, -1, "", null, "cannot be read: " + e.getMessage()));
            }
        }
        return entries;
    }

    /**
     * The model {@code lipdrop.model=auto} runs, as {@link ModelLocator} decides it (the service's own rule), or empty
     * when it finds none besides the default: then LipDrop uses its built-in default.
     */
    public Optional<String> autoChoice() {
        String name = ModelLocator.locate("auto", modelsDir).name();
        return name.startsWith(DefaultModelGenerator.FILE_NAME) ? Optional.empty() : Optional.of(name);
    }

    /** The .onnx files other than the default: with exactly one, auto runs it; with none or several, LipDrop's built-in default. */
    public List<String> nonDefault() {
        return onnxFiles().stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals(DefaultModelGenerator.FILE_NAME)).toList();
    }

    /** Temporary files an interrupted {@code model add} left behind (never picked up: they do not end in .onnx). */
    public List<String> leftovers() {
        return list().filter(p -> p.getFileName().toString().startsWith("."))
                .filter(p -> p.getFileName().toString().endsWith(ModelInstaller.TEMP_SUFFIX))
                .map(p -> p.getFileName().toString()).toList();
    }

    private List<Path> onnxFiles() {
        return list().filter(p -> p.getFileName().toString().endsWith(".onnx")).filter(Files::isRegularFile).toList();
    }

    private Stream<Path> list() {
        if (!Files.isDirectory(modelsDir)) return Stream.of();
        try (Stream<Path> s = Files.list(modelsDir)) {
            return s.sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + modelsDir, e);
        }
    }

    private static Entry entry(String name, byte[] bytes) {
        String sha = ContentHasher.sha256(bytes);
        try {
            return new Entry(name, bytes.length, sha, ModelInterface.check(name, bytes), null);
        } catch (ModelRefusedException e) {
            return new Entry(name, bytes.length, sha, null, e.getMessage());
        }
    }
}
