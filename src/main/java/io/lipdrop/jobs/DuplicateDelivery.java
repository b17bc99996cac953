package io.lipdrop.jobs;

import io.lipdrop.intake.SafeMoves;
import io.lipdrop.job.CallbackQueue;
import io.lipdrop.job.DeliveryRecord;
import io.lipdrop.job.JobOutput;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobTask;
import io.lipdrop.job.OutputNames;
import io.lipdrop.job.ResultSharing;
import io.lipdrop.lipsync.captions.CaptionFormat;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A drop whose content is already done gets the existing result under its own output name, at once: a hard
 * link (or a copy) of the video and of its captions (unless the drop turned them off), and its own report (the original's, marked {@code "reused": "<key>"}, with
 * this drop's names and time), recorded in the store with its S3 deliveries and callback in one transaction.
 * <p>
 * Each step can be repeated: a crash after the link or the report leaves a file the next attempt recognises
 * (the same file, no record yet) and completes; the record is written once, so the event is queued once.
 * When every earlier file of the result is gone (housekeeping), the job is reopened and made again.
 */
public final class DuplicateDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(DuplicateDelivery.class);
    private static final Instant STARTED = Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());

    private final JobStore store;
    private final Path outbox;
    private final boolean deliver;
    private final LipDropMetrics metrics;
    private final CallbackQueue callbacks;
    private final ResultSharing sharing;

    /** @param deliver queue the delivered files for upload to S3 */
    public DuplicateDelivery(JobStore store, Path outbox, boolean deliver, LipDropMetrics metrics, CallbackQueue callbacks) {
        this(store, outbox, deliver, metrics, callbacks, ResultSharing.SHARED_OUTBOX);
    }

    /** @param sharing in bucket mode the result may be in another node's outbox, on its way to the bucket */
    public DuplicateDelivery(JobStore store, Path outbox, boolean deliver, LipDropMetrics metrics, CallbackQueue callbacks,
                             ResultSharing sharing) {
        this.sharing = sharing;
        this.store = store;
        this.outbox = outbox.toAbsolutePath().normalize();
        this.deliver = deliver;
        this.metrics = metrics;
        this.callbacks = callbacks;
    }

    /** {@code job}'s content is done ({@code done}): delivers it under the job's own name unless it is there already. */
    public void deliver(JobTask job, String key, JobRecord done) throws IOException {
        List<JobOutput> outputs = store.outputs(key);
        String wanted = job.output();
        String alternative = OutputNames.alternativeName(wanted, key);
        if (sharing.inBucket() && fromTheBucket(job, key, done, outputs, wanted, alternative)) return;
        Optional<JobOutput> there = outputs.stream()
                .filter(o -> o.output().equals(wanted) || o.output().equals(alternative))
                .filter(o -> Files.isRegularFile(outbox.resolve(o.output())))
                .findFirst();
        if (there.isPresent()) {
            alreadyThere(job, done, there.get());
            return;
        }
        Optional<String> source = outputs.stream().map(JobOutput::output).filter(o -> Files.isRegularFile(outbox.resolve(o))).findFirst();
        if (source.isEmpty() && sharing.inBucket()) source = fetchFromTheBucket(outputs);
        if (source.isEmpty()) {
            // every file of the result was deleted (outbox retention): the content is made again for this drop
            String gone = done.output() == null ? "its result" : "outbox/" + done.output();
            if (store.reopen(key)) {
                LOG.info("{}: same content as {} (job {}), which is no longer in the outbox: it will be made again", job.name(), gone,
                        key.substring(0, 8));
            }
            return;
        }
        Path from = outbox.resolve(source.get());
        String output = target(wanted, alternative, key, from);
        Path target = outbox.resolve(output);
        // the captions first, as a made job writes them: the video is never there without the captions it will have
        List<String> captions = captions(job, from, target);
        boolean linked = SafeMoves.publishLink(from, target);
        // a delivered result lives as long as a new one (housekeeping goes by age): a link shares the original's time
        Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        Path report = OutputNames.reportPath(target);
        String json = report(job, key, output, source.get(), OutputNames.reportPath(from), captions);
        SafeMoves.writeAtomically(report, json);
        List<String> deliverables = new ArrayList<>();
        if (deliver) {
            deliverables.add(output);
            deliverables.add(outbox.relativize(report).toString());
            deliverables.addAll(captions);
        }
        if (store.recordReuse(key, output, job.name(), deliverables, job.s3Prefix().orElse(null), callbacks.event("duplicate", key, job, json))) {
            metrics.outcome("duplicate");
            LOG.info("{}: same content as outbox/{} (job {}), delivered as outbox/{} without recomputing{}", job.name(), source.get(),
                    key.substring(0, 8), output, linked ? "" : " (a copy: no hard link on this file system)");
        } else {
            LOG.debug("{}: outbox/{} was recorded already (by another node, or an earlier delivery under this name)", job.name(), output);
        }
    }

    /**
     * Bucket mode, where the result may be in another node's outbox. True when that settles it: it is in the bucket
     * under this job's name, or on its way there from a live node (the drop waits for it), or it was lost with a node
     * that stopped before uploading it (the job is made again). False for a drop that wants the result under another
     * name: then it is linked from this node's outbox when it is here, else made again.
     */
    private boolean fromTheBucket(JobTask job, String key, JobRecord done, List<JobOutput> outputs, String wanted, String alternative) {
        if (store.pendingDeliveries(key) > 0) {
            if (alive(done.node())) {
                LOG.debug("{}: done by node {}, which is uploading it", job.name(), done.node());
            } else if (store.reopen(key)) {
                LOG.warn("{}: made by node {}, which stopped before it was in the bucket: it will be made again", job.name(), done.node());
            }
            return true;
        }
        Optional<JobOutput> named = outputs.stream().filter(o -> o.output().equals(wanted) || o.output().equals(alternative)).findFirst();
        named.ifPresent(o -> alreadyThere(job, done, o));
        return named.isPresent();
    }

    /**
     * Bucket mode: the result another node made, brought from the bucket into this node's outbox (the video, its report
     * and captions, as delivered), so that it is reused under this drop's name as on a shared outbox, not made again.
     */
    private Optional<String> fetchFromTheBucket(List<JobOutput> outputs) throws IOException {
        for (JobOutput o : outputs) {
            Optional<DeliveryRecord> video = store.delivered(o.output());
            if (video.isEmpty()) continue;
            String stem = o.output().substring(0, o.output().length() - 4);
            for (String path : List.of(o.output(), stem + ".report.json", stem + ".srt", stem + ".vtt")) {
                Optional<DeliveryRecord> d = store.delivered(path);
                if (d.isPresent()) sharing.fetcher().fetch(path, d.get().s3Prefix(), outbox.resolve(path));
            }
            LOG.info("outbox/{} fetched from the bucket for a drop of the same content", o.output());
            return Optional.of(o.output());
        }
        return Optional.empty();
    }

    private boolean alive(String node) {
        if (node == null || node.equals(store.nodeId())) return true;
        return store.liveNodes(sharing.liveWithinSeconds()).stream().anyMatch(n -> n.id().equals(node));
    }

    /**
     * Delivered under this name already: for this very drop (by this process, the drop polled again while a twin
     * waited, or by another node that saw it in the shared inbox), or earlier, when the same content was dropped
     * again under the same name (or this node made it before a restart): then the log says so.
     */
    private void alreadyThere(JobTask job, JobRecord done, JobOutput output) {
        if (madeForThisDrop(job, done, output)) {
            LOG.debug("{} was made for this drop -> outbox/{}", job.name(), output.output());
        } else {
            LOG.info("skipped {}: the same content was already done, the result is outbox/{}", job.name(), output.output());
            metrics.outcome("duplicate");
        }
    }

    /** Delivered after this drop's files arrived, by this process or by another node. */
    private boolean madeForThisDrop(JobTask job, JobRecord done, JobOutput output) {
        try {
            Instant template = Files.getLastModifiedTime(job.template()).toInstant();
            Instant audio = Files.getLastModifiedTime(job.audio()).toInstant();
            if (!output.createdAt().isAfter(template.isAfter(audio) ? template : audio)) return false;
        } catch (IOException e) {
            return false;
        }
        boolean byThisProcess = output.createdAt().isAfter(STARTED);
        return byThisProcess || (done.node() != null && !done.node().equals(store.nodeId()));
    }

    /**
     * The job's own name unless another job's file is there; a file there with no record that is the result
     * itself is this job's (a crash after the link, before the record). Else the alternative name, as a
     * made job would take it.
     */
    private String target(String wanted, String alternative, String key, Path source) throws IOException {
        Path p = outbox.resolve(wanted);
        if (!Files.exists(p)) return wanted;
        Optional<JobRecord> holder = store.findByOutput(wanted);
        if (holder.isPresent() ? holder.get().key().equals(key) : sameContent(p, source)) return wanted;
        LOG.info("outbox/{} belongs to another job: this result is outbox/{}", wanted, alternative);
        return alternative;
    }

    private static boolean sameContent(Path a, Path b) throws IOException {
        return Files.isSameFile(a, b) || (Files.size(a) == Files.size(b) && Files.mismatch(a, b) == -1L);
    }

    /**
     * The original's caption files (they depend on the audio alone, which is the same) under this drop's name, unless
     * this drop turned captions off; their names in the outbox.
     */
    private List<String> captions(JobTask job, Path from, Path target) throws IOException {
        List<String> names = new ArrayList<>();
        if (!job.settings().captions()) return names;
        String fromBase = from.getFileName().toString().replaceFirst("\\.mp4$", "");
        String toBase = target.getFileName().toString().replaceFirst("\\.mp4$", "");
        for (CaptionFormat f : CaptionFormat.values()) {
            Path original = from.resolveSibling(fromBase + "." + f.extension());
            if (!Files.isRegularFile(original)) continue;
            Path copy = target.resolveSibling(toBase + "." + f.extension());
            SafeMoves.publishLink(original, copy);
            Files.setLastModifiedTime(copy, FileTime.from(Instant.now()));
            names.add(outbox.relativize(copy).toString());
        }
        return names;
    }

    /** The original's report with this drop's names and time, marked reused; a minimal one when that report is gone. */
    private String report(JobTask job, String key, String output, String from, Path fromReport, List<String> captions) {
        JsonObject o = new JsonObject();
        if (Files.isRegularFile(fromReport)) {
            try {
                o = (JsonObject) Jsoner.deserialize(Files.readString(fromReport));
            } catch (IOException | DeserializationException | ClassCastException e) {
                LOG.warn("{}: the report beside outbox/{} cannot be read ({}); this one has the job's names only", job.name(), from,
                        e.getMessage());
                o = new JsonObject();
            }
        }
        o.put("status", "done");
        o.put("job", job.name());
        if (job.inBatch()) o.put("batch", job.batch().get());
        else o.remove("batch");
        o.put("key", key);
        o.put("output", output);
        o.put("reused", key);
        o.put("reusedFrom", from);
        if (o.get("inputs") instanceof JsonObject inputs) {
            rename(inputs, "audio", job.audio());
            rename(inputs, "template", job.template());
        }
        if (o.get("captions") instanceof JsonObject c) {
            if (!job.settings().captions()) {
                o.put("captions", new JsonObject(java.util.Map.of("status", "off (captions: off in " + job.settings().source()
                        .map(p -> p.getFileName().toString()).orElse("the drop's settings") + ")")));
            } else if (!captions.isEmpty()) {
                c.put("files", captions.stream().map(n -> Path.of(n).getFileName().toString()).toList());
            }
        }
        o.put("node", store.nodeId());
        o.put("finishedAt", Instant.now().toString());
        return Jsoner.prettyPrint(o.toJson()) + "\n";
    }

    /** The input's file name as this drop has it (same content, same SHA-256). */
    private static void rename(JsonObject inputs, String which, Path file) {
        if (inputs.get(which) instanceof JsonObject f) f.put("file", file.getFileName().toString());
    }
}
