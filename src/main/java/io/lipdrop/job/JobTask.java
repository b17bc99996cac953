package io.lipdrop.job;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One video to make: the audio, the presenter template and where the result goes (relative to outbox/), with its
 * content key and its inputs' hashes, all fixed when the drop is planned. Immutable: what becomes of the job is
 * recorded in the job store under its key, and read from there.
 */
public final class JobTask {
    private final Path audio;
    private final Path template;
    private final String name;
    private final String output;
    private final int index;
    private final int count;
    private final String batch;
    private final JobSettings settings;
    private final JobKeys.Inputs inputs;
    private final RuntimeException unkeyed;

    /**
     * @param batch   the batch folder's name, or null for a single drop
     * @param index   1-based position in its drop, of {@code count}
     * @param keys    computes the key now, once; when that fails (an input unreadable, a model that cannot be
     *                planned) the failure is kept and thrown where the key is first asked for (the job route's first
     *                step), so such a job fails there as it did before its key was fixed at planning
     */
    public JobTask(Path audio, Path template, String name, String output, int index, int count, String batch,
                   JobSettings settings, JobKeys keys) {
        this.audio = audio;
        this.template = template;
        this.name = name;
        this.output = output;
        this.index = index;
        this.count = count;
        this.batch = batch;
        this.settings = settings;
        JobKeys.Inputs in = null;
        RuntimeException failure = null;
        try {
            in = keys.inputs(audio, template, settings.picture());
        } catch (RuntimeException e) {
            failure = e;
        }
        this.inputs = in;
        this.unkeyed = failure;
    }

    public Path audio() { return audio; }
    public Path template() { return template; }
    /** As the user sees it: {@code anna.mp4} or {@code promo/anna.mp4}. */
    public String name() { return name; }
    /** Result path relative to outbox/: {@code anna.mp4} or {@code promo/anna.mp4}. */
    public String output() { return output; }
    /** 1-based position in its drop. */
    public int index() { return index; }
    /** How many jobs its drop has. */
    public int count() { return count; }
    /** True when the job is one of a batch folder's videos. */
    public boolean inBatch() { return batch != null; }
    /** The batch folder's name; empty for a single drop. */
    public Optional<String> batch() { return Optional.ofNullable(batch); }
    /** The drop's own settings (lipdrop.yaml), {@link JobSettings#NONE} without a settings file. */
    public JobSettings settings() { return settings; }
    /** Where this job's events are POSTed, when its settings name a callback URL ({@code notify-url}). */
    public Optional<String> notifyUrl() { return settings.notifyUrl(); }
    /** The S3 key prefix for this job's files, when its settings set one ({@code s3-prefix}). */
    public Optional<String> s3Prefix() { return settings.s3Prefix(); }

    /** The key and the hashes it is made of; throws what computing them threw when the drop was planned. */
    public JobKeys.Inputs inputs() {
        if (unkeyed != null) throw unkeyed;
        return inputs;
    }

    /** The job's content key (the idempotency key in the store). */
    public String key() { return inputs().key(); }

    @Override
    public String toString() { return name; }
}
