package io.lipdrop.job;

import java.nio.file.Path;

/**
 * One video to make: the audio, the presenter template and where the result goes (relative to outbox/).
 * Immutable: what becomes of the job is recorded in the job store under its content key, and read from there.
 */
public final class JobTask {
    private final Drop drop;
    private final Path audio;
    private final Path template;
    private final String name;
    private final String output;
    private final int index;
    private final JobSettings settings;

    public JobTask(Drop drop, Path audio, Path template, String name, String output, int index) {
        this(drop, audio, template, name, output, index, JobSettings.NONE);
    }

    public JobTask(Drop drop, Path audio, Path template, String name, String output, int index, JobSettings settings) {
        this.settings = settings;
        this.drop = drop;
        this.audio = audio;
        this.template = template;
        this.name = name;
        this.output = output;
        this.index = index;
    }

    public Drop drop() { return drop; }
    public Path audio() { return audio; }
    public Path template() { return template; }
    /** As the user sees it: {@code anna.mp4} or {@code promo/anna.mp4}. */
    public String name() { return name; }
    /** Result path relative to outbox/: {@code anna.mp4} or {@code promo/anna.mp4}. */
    public String output() { return output; }
    /** 1-based position in its drop. */
    public int index() { return index; }
    public int count() { return drop.jobs().size(); }
    /** The drop's own settings (lipdrop.yaml), {@link JobSettings#NONE} without a settings file. */
    public JobSettings settings() { return settings; }
    /** Where this job's events are POSTed, when its settings name a callback URL ({@code notify-url}). */
    public java.util.Optional<String> notifyUrl() { return settings.notifyUrl(); }
    /** The S3 key prefix for this job's files, when its settings set one ({@code s3-prefix}). */
    public java.util.Optional<String> s3Prefix() { return settings.s3Prefix(); }

    @Override
    public String toString() { return name; }
}
