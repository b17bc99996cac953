package io.lipdrop.job;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileHashes;
import io.lipdrop.lipsync.JobOptions;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The idempotency key of a job: SHA-256 over the audio's and the template's content hashes, the model's
 * hash and the settings that change the pixels (the node's, with the job's own picture settings from its
 * lipdrop.yaml applied). Renaming a file does not change it; a new model does, and so does a lipdrop.yaml that
 * asks for other padding or another face; its output name, S3 prefix and callback URL do not.
 * A pure function of the files (hashes are remembered by path, size and time), computed once, when the drop is
 * planned: the {@link JobTask} carries its key and hashes to every step after.
 */
public final class JobKeys {
    /** What a job's key is made of, for its report. */
    public record Inputs(String key, String audioSha, String templateSha, double hashSeconds) {}

    private final FileHashes hashes = new FileHashes(4096);
    private final Function<JobOptions, String> modelSha;
    private final Function<JobOptions, String> settings;

    /** A node whose jobs all run with the same model and settings. */
    public JobKeys(String modelSha, String settings) {
        this(o -> modelSha, o -> settings);
    }

    /**
     * @param modelSha the SHA-256 of the model (or method) a job with these options runs
     * @param settings what changes the pixels for a job with these options ({@link JobOptions#DEFAULT}: the node's)
     */
    public JobKeys(Function<JobOptions, String> modelSha, Function<JobOptions, String> settings) {
        this.modelSha = modelSha;
        this.settings = settings;
    }

    /**
     * The job's key, fixed when its drop was planned (the route puts it in the {@code LipDropJobKey} header), while its
     * inputs are still in the inbox: once they are gone (quarantined, or archived by the node that finished the drop)
     * this throws, as reading them for the key did before the key was fixed at planning, so the job route fails the job
     * and the archiver leaves its drop unfinished (a batch whose only video was quarantined is then refused whole on
     * the next poll). The files are only looked at; they are hashed again only when they changed.
     */
    public String identify(JobTask job) {
        String key = job.key();
        hashes.of(job.audio());
        hashes.of(job.template());
        return key;
    }

    /**
     * The one place a job's key is computed: from its audio's and template's content and the options for its
     * picture. Called when a drop is planned ({@link JobTask}); hashes are remembered by path, size and time.
     */
    public Inputs inputs(Path audio, Path template, JobOptions picture) {
        FileHashes.Hash a = hashes.of(audio);
        FileHashes.Hash t = hashes.of(template);
        String key = ContentHasher.combine("audio", a.sha256(), "template", t.sha256(), "model", modelSha.apply(picture),
                "settings", settings.apply(picture));
        return new Inputs(key, a.sha256(), t.sha256(), a.seconds() + t.seconds());
    }

    /** The node's model hash. */
    public String modelSha() { return modelSha.apply(JobOptions.DEFAULT); }

    /** The hash of the model a job runs (its settings may name another). */
    public String modelSha(JobTask job) { return modelSha.apply(job.settings().picture()); }
}
