package io.lipdrop.intake;

import java.nio.file.Path;

/**
 * One video to make: the audio, the presenter template and where the result goes (relative to outbox/).
 * {@code outcome} is filled in as the job runs, so the drop knows when it can be archived.
 */
public final class JobTask {
    public enum Outcome { PENDING, DONE, DUPLICATE, RETRY, QUARANTINED }

    private final Drop drop;
    private final Path audio;
    private final Path template;
    private final String name;
    private final String output;
    private final int index;
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile String key;
    private volatile double hashSeconds;

    JobTask(Drop drop, Path audio, Path template, String name, String output, int index) {
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
    public Outcome outcome() { return outcome; }
    public void outcome(Outcome o) { this.outcome = o; }
    public String key() { return key; }
    public void key(String k) { this.key = k; }
    public double hashSeconds() { return hashSeconds; }
    public void hashSeconds(double s) { this.hashSeconds = s; }

    @Override
    public String toString() { return name; }
}
