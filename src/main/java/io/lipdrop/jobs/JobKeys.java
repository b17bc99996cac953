package io.lipdrop.jobs;

import io.lipdrop.intake.JobTask;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The idempotency key of a job: SHA-256 over the audio's and the template's content hashes, the model's
 * hash and the settings that change the pixels. Renaming a file does not change it; a new model does.
 * A batch's audio is hashed once for all its videos.
 */
public final class JobKeys {
    public static final String HEADER = "LipDropJobKey";

    private final ContentHasher hasher = new ContentHasher();
    private final JobStore store;
    private final JobStoreIdempotentRepository repository;
    private final String modelSha;
    private final String settings;
    private final Map<Path, String> audioHashes = new ConcurrentHashMap<>();
    private final Map<String, String> inputHashes = new ConcurrentHashMap<>();

    public JobKeys(JobStore store, JobStoreIdempotentRepository repository, String modelSha, String settings) {
        this.store = store;
        this.repository = repository;
        this.modelSha = modelSha;
        this.settings = settings;
    }

    /** Hashes the job's inputs, records it as queued and returns its key (the route puts it in a header). */
    public String identify(JobTask job) {
        long t = System.nanoTime();
        if (job.index() == 1) audioHashes.clear();
        String audio = audioHashes.computeIfAbsent(job.audio(), hasher::sha256);
        String template = hasher.sha256(job.template());
        job.hashSeconds((System.nanoTime() - t) / 1e9);
        String key = ContentHasher.combine("audio", audio, "template", template, "model", modelSha, "settings", settings);
        job.key(key);
        inputHashes.put(key + "/audio", audio);
        inputHashes.put(key + "/template", template);
        store.enqueue(key, job.name());
        repository.nameNextJob(job.name());
        return key;
    }

    /** Content hashes of a job's inputs, for its report. */
    public String inputHash(String key, String which) {
        return inputHashes.remove(key + "/" + which);
    }

    public String modelSha() { return modelSha; }
}
