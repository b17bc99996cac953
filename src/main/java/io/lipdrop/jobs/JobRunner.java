package io.lipdrop.jobs;

import io.lipdrop.RouteContract;
import io.lipdrop.files.FileTrees;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.ClaimLostException;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobProgress;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobTask;
import io.lipdrop.job.OutputNames;
import io.lipdrop.job.ResultSharing;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.Header;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs one job: the video is made in {@code work/<key>/}, then moved into the outbox with one atomic rename,
 * followed by its report; only then is the job marked done. A crash at any point leaves either no output
 * or a complete one, and the job store says which.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final LipSyncService lipSync;
    private final JobStore store;
    private final JobKeys keys;
    private final Path outbox;
    private final Path work;
    private final boolean deliver;
    private final LipDropMetrics metrics;
    private final CallbackQueue callbacks;
    private final JobProgress progress;
    private final JobCaptions captions;
    private final ResultSharing sharing;

    /**
     * @param deliver   queue each result and its report for upload to S3
     * @param callbacks the "done" event queued with each result
     * @param captions  the speech recogniser's captions, written beside each video
     */
    public JobRunner(LipSyncService lipSync, JobStore store, JobKeys keys, Path outbox, Path work, boolean deliver,
                     LipDropMetrics metrics, CallbackQueue callbacks, JobProgress progress, JobCaptions captions) {
        this(lipSync, store, keys, outbox, work, deliver, metrics, callbacks, progress, captions, ResultSharing.SHARED_OUTBOX);
    }

    /** @param sharing in bucket mode another node's result of the same name is in its own outbox, not in this one */
    public JobRunner(LipSyncService lipSync, JobStore store, JobKeys keys, Path outbox, Path work, boolean deliver,
                     LipDropMetrics metrics, CallbackQueue callbacks, JobProgress progress, JobCaptions captions, ResultSharing sharing) {
        this.sharing = sharing;
        this.captions = captions;
        this.callbacks = callbacks;
        this.progress = progress;
        this.deliver = deliver;
        this.metrics = metrics;
        this.lipSync = lipSync;
        this.store = store;
        this.keys = keys;
        this.outbox = outbox.toAbsolutePath().normalize();
        this.work = work.toAbsolutePath().normalize();
    }

    public void run(JobTask job, @Header(RouteContract.JOB_KEY_HEADER) String key) throws Exception {
        LOG.info("processing {} ({}/{})", job.name(), job.index(), job.count());
        Path dir = work.resolve(key);
        FileTrees.delete(dir); // leftovers of a crashed attempt
        Files.createDirectories(dir);
        Path partial = dir.resolve("video.mp4");
        String output = outputFor(job, key);
        store.planOutput(key, job.name(), output);

        int[] lastQuarter = {0};
        long started = System.nanoTime();
        SyncResult r;
        progress.started(key, job.name());
        JobCaptions.Pending heard = captions.start(job); // beside the picture stages, on its own thread: words and phonemes
        try {
            r = lipSync.sync(job.audio(), job.template(), partial, job.settings().picture(), (done, total) -> {
                progress.update(key, job.name(), done, total);
                if (done % 25 == 0) metrics.progress(done / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
                int quarter = done * 4 / total;
                if (quarter > lastQuarter[0] && quarter < 4) {
                    lastQuarter[0] = quarter;
                    LOG.info("{}: {}% ({}/{} frames)", job.name(), quarter * 25, done, total);
                }
            }, heard);
        } catch (Exception | Error e) {
            heard.cancel();
            FileTrees.delete(dir); // a partial video is never kept
            throw e;
        } finally {
            progress.finished(key); // the store says what became of it
        }

        // fenced: a node that stalled past its lease must not replace the result of the node that took over
        if (!store.renew(List.of(key)).isEmpty()) {
            heard.cancel();
            FileTrees.delete(dir);
            throw new ClaimLostException(job.name(), store.find(key).map(JobRecord::node).orElse("?"));
        }
        Path target = outbox.resolve(output);
        // the captions first (each its own atomic rename), so the video is never there without the captions it will have
        JobCaptions.Written written = captions.write(heard, target, job.name());
        SafeMoves.publish(partial, target);
        Path report = OutputNames.reportPath(target);
        JobKeys.Inputs inputs = job.inputs();
        String json = report(job, key, output, r, inputs, written);
        SafeMoves.writeAtomically(report, json);
        List<String> deliverables = new java.util.ArrayList<>(List.of(output, outbox.relativize(report).toString()));
        written.files().forEach(f -> deliverables.add(outbox.relativize(f).toString()));
        if (!store.markDone(key, output, deliver ? deliverables : List.of(),
                job.s3Prefix().orElse(null), callbacks.event("done", key, job, json))) {
            LOG.warn("{}: node {} took the job over while this result was moved into the outbox; its record stands", job.name(),
                    store.find(key).map(JobRecord::node).orElse("?"));
        }
        FileTrees.delete(dir);
        metrics.jobFinished(r, inputs.hashSeconds());
        metrics.outcome("done");
        LOG.info("done {} -> outbox/{}: {} frames in {} s ({} frames/s, {} on {}, {} with a face by {})", job.name(), output,
                r.frames(), String.format("%.1f", r.wallSeconds()), String.format("%.1f", r.framesPerSecond()),
                methodSummary(r), r.provider(), r.framesWithFace(), r.face().stage());
    }

    /** {@code anna.mp4}, unless another job's result already has that name: then {@code anna.<key8>.mp4}. */
    private String outputFor(JobTask job, String key) {
        String wanted = job.output();
        // in bucket mode the name may be taken by a result in another node's outbox: the store knows it
        boolean taken = Files.exists(outbox.resolve(wanted)) || sharing.inBucket() && store.findByOutput(wanted).isPresent();
        if (!taken) return wanted;
        boolean ours = store.findByOutput(wanted).map(r -> r.key().equals(key)).orElse(false);
        if (ours) return wanted; // a crashed attempt of this very job moved it there
        String mine = OutputNames.alternativeName(wanted, key);
        LOG.info("outbox/{} belongs to another job: this result is outbox/{}", wanted, mine);
        return mine;
    }


    private String report(JobTask job, String key, String output, SyncResult r, JobKeys.Inputs hashes, JobCaptions.Written captions) {
        JsonObject inputs = new JsonObject();
        inputs.put("audio", file(job.audio(), hashes.audioSha()));
        inputs.put("template", file(job.template(), hashes.templateSha()));
        JsonObject timings = new JsonObject();
        timings.put("hash", round(hashes.hashSeconds()));
        r.stageSeconds().forEach((stage, s) -> timings.put(stage, round(s)));
        timings.put("total", round(r.wallSeconds()));
        JsonObject o = new JsonObject();
        o.put("status", "done");
        o.put("job", job.name());
        job.batch().ifPresent(b -> o.put("batch", b));
        o.put("key", key);
        o.put("output", output);
        o.put("inputs", inputs);
        o.put("model", Map.of("name", r.model(), "sha256", keys.modelSha(job)));
        // the drop's own settings (lipdrop.yaml) as checked; the picture ones are part of the key
        job.settings().source().ifPresent(f -> {
            JsonObject settings = new JsonObject(job.settings().asGiven());
            settings.put("file", f.getFileName().toString());
            o.put("settings", settings);
        });
        o.put("method", r.method());
        o.put("provider", r.provider());
        o.put("encoder", r.encoder());
        if (r.template().scaled()) o.put("scaledFrom", r.template().width() + "x" + r.template().height());
        if (r.template().rotation() != 0) o.put("rotation", r.template().rotation());
        o.put("width", r.width());
        o.put("height", r.height());
        o.put("fps", round(r.fps()));
        o.put("frames", r.frames());
        o.put("framesWithFace", r.framesWithFace());
        o.put("face", faceReport(r));
        o.put("audioSeconds", round(r.audioSeconds()));
        o.put("captions", captions.report());
        o.put("framesPerSecond", round(r.framesPerSecond()));
        o.put("secondsByStage", timings);
        o.put("attempts", store.find(key).map(JobRecord::attempts).orElse(1));
        o.put("node", store.nodeId());
        o.put("finishedAt", Instant.now().toString());
        return Jsoner.prettyPrint(o.toJson()) + "\n";
    }

    /** "mouth-library (37 mouth shapes)", "photo-warp" or the model's name. */
    public static String methodSummary(SyncResult r) {
        Object shapes = r.method().get("distinctMouthShapes");
        return "mouth-library".equals(r.model()) && shapes != null ? r.model() + " (" + shapes + " mouth shapes)" : r.model();
    }

    /** The face stage's models, what it refused and how steady the mouth was. */
    private static JsonObject faceReport(SyncResult r) {
        JsonObject face = new JsonObject();
        face.put("stage", r.face().stage());
        face.putAll(r.face().models());
        face.put("framesWithFace", r.framesWithFace());
        face.put("boxesRefused", r.face().refused());
        if (!Double.isNaN(r.face().mouthMovementPixels())) face.put("mouthMovementPixelsPerFrame", round(r.face().mouthMovementPixels()));
        return face;
    }

    private static Map<String, Object> file(Path p, String sha) {
        long size;
        try {
            size = Files.size(p);
        } catch (IOException e) {
            size = -1;
        }
        return Map.of("file", p.getFileName().toString(), "sha256", sha == null ? "" : sha, "bytes", size);
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }

}
