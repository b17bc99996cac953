package io.lipdrop.jobs;

import io.lipdrop.intake.JobTask;

/**
 * The idempotency key of a job: SHA-256 over the audio's and the template's content hashes, the model's
 * hash and the settings that change the pixels. Renaming a file does not change it; a new model does.
 * A pure function of the files (hashes are remembered by path, size and time), so any step or node that
 * needs a job's key or its inputs' hashes computes them again instead of passing them around.
 */
public final class JobKeys {
    /** What a job's key is made of, for its report. */
    public record Inputs(String key, String audioSha, String templateSha, double hashSeconds) {}

    private final FileHashes hashes = new FileHashes(4096);
    private final String modelSha;
    private final String settings;

    public JobKeys(String modelSha, String settings) {
        this.modelSha = modelSha;
        this.settings = settings;
    }

    /** The job's key (the route puts it in the {@code LipDropJobKey} header). */
    public String identify(JobTask job) {
        return inputs(job).key();
    }

    public Inputs inputs(JobTask job) {
        FileHashes.Hash audio = hashes.of(job.audio());
        FileHashes.Hash template = hashes.of(job.template());
        String key = ContentHasher.combine("audio", audio.sha256(), "template", template.sha256(), "model", modelSha, "settings", settings);
        return new Inputs(key, audio.sha256(), template.sha256(), audio.seconds() + template.seconds());
    }

    public String modelSha() { return modelSha; }
}
