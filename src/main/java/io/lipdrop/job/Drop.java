package io.lipdrop.job;

import java.nio.file.Path;
import java.util.List;

/**
 * What a person dropped: a single job (audio + template with the same name), a batch folder
 * (one audio, many templates), or something LipDrop cannot take, with the reason in plain words. Immutable.
 */
public final class Drop {
    public enum Kind { SINGLE, BATCH, INVALID }

    /** A file of an otherwise valid drop that cannot be used, and why. */
    public record Rejected(Path file, String reason, String advice) {}

    private final Kind kind;
    private final Path root;
    private final String name;
    private final List<Path> files;
    private final List<JobTask> jobs;
    private final List<Rejected> rejected;
    private final String problem;
    private final String advice;

    /** A drop as planned: its jobs (each with its key) and its unusable files are known before it is made. */
    public Drop(Kind kind, Path root, String name, List<Path> files, List<JobTask> jobs, List<Rejected> rejected, String problem,
                String advice) {
        this.kind = kind;
        this.root = root;
        this.name = name;
        this.files = List.copyOf(files);
        this.jobs = List.copyOf(jobs);
        this.rejected = List.copyOf(rejected);
        this.problem = problem;
        this.advice = advice;
    }

    public static Drop invalid(Path root, String name, List<Path> files, String problem, String advice) {
        return new Drop(Kind.INVALID, root, name, files, List.of(), List.of(), problem, advice);
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
