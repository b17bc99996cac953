package io.lipdrop.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a person dropped: a single job (audio + template with the same name), a batch folder
 * (one audio, many templates), or something LipDrop cannot take, with the reason in plain words.
 */
public final class Drop {
    public enum Kind { SINGLE, BATCH, INVALID }

    /** A file of an otherwise valid drop that cannot be used, and why. */
    public record Rejected(Path file, String reason, String advice) {}

    private final Kind kind;
    private final Path root;
    private final String name;
    private final List<Path> files;
    private final List<JobTask> jobs = new ArrayList<>();
    private final List<Rejected> rejected = new ArrayList<>();
    private final String problem;
    private final String advice;

    public Drop(Kind kind, Path root, String name, List<Path> files, String problem, String advice) {
        this.kind = kind;
        this.root = root;
        this.name = name;
        this.files = List.copyOf(files);
        this.problem = problem;
        this.advice = advice;
    }

    public static Drop invalid(Path root, String name, List<Path> files, String problem, String advice) {
        return new Drop(Kind.INVALID, root, name, files, problem, advice);
    }

    public Kind kind() { return kind; }
    public boolean isValid() { return kind != Kind.INVALID; }
    public boolean isBatch() { return kind == Kind.BATCH; }
    /** The batch folder, or the single job's audio file. */
    public Path root() { return root; }
    /** Batch folder name, or the single job's stem. */
    public String name() { return name; }
    public List<Path> files() { return files; }
    public List<JobTask> jobs() { return jobs; }
    public List<Rejected> rejected() { return rejected; }
    public String problem() { return problem; }
    public String advice() { return advice; }

    @Override
    public String toString() { return kind.name().toLowerCase() + " " + name; }
}
