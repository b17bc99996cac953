package io.lipdrop.web;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileTrees;
import io.lipdrop.intake.MediaTypes;
import io.lipdrop.job.JobLedger;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.OutputNames;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * "Make this video again", as {@code lipdrop redo} does (the job is reopened in the store) and then what the
 * user would do next: its inputs, found in {@code archive/<date>/} by the names and SHA-256 its report
 * records, are copied back into the inbox as the drop they came in (a single pair, or a batch folder with the
 * audio and this one video). The archive keeps its copy. When the inputs are gone (housekeeping expires the
 * archive), the job is still reopened and the answer says which files to drop again.
 * <p>
 * In bucket mode (lipdrop.intake.source=s3) the same in the bucket: the report as delivered (the job may have been made
 * on another node), the inputs in the bucket's {@code archive/<date>/}, checked by size and SHA-256 read from the
 * object, and copied server-side into the bucket's inbox as the drop they came in, with the drop's {@code .ready}
 * marker last, so that any node takes it at once and never half.
 */
public final class Redo {
    /** What happened, in words for the user, and whether the job is on its way again. */
    public record Outcome(boolean requeued, String message) {}

    private static final long REPORT_MAX_BYTES = 1024 * 1024;
    private final JobLedger store;
    private final Path outbox;
    private final Path archive;
    private final Path inbox;
    private final ContentHasher hasher = new ContentHasher();
    // bucket mode: the delivered reports and the bucket's archive and inbox; both null in folder mode
    private final BucketOutbox delivered;
    private final BucketFolders bucket;

    public Redo(JobLedger store, Path outbox, Path archive, Path inbox) {
        this(store, outbox, archive, inbox, null, null);
    }

    public Redo(JobLedger store, Path outbox, Path archive, Path inbox, BucketOutbox delivered, BucketFolders bucket) {
        this.store = store;
        this.delivered = delivered;
        this.bucket = bucket;
        this.outbox = outbox.toAbsolutePath().normalize();
        this.archive = archive.toAbsolutePath().normalize();
        this.inbox = inbox.toAbsolutePath().normalize();
    }

    public Outcome redo(String key) {
        JobRecord job = store.find(key).orElseThrow(() -> new BadRequest(404, key, "there is no such job", "Reload the page."));
        if (job.status() != JobStatus.DONE) {
            throw new BadRequest(409, job.name(), "only a done job can be made again; this one is " + job.status().name().toLowerCase(),
                    job.status() == JobStatus.QUARANTINED ? "Retry it from the quarantine list." : "Wait until it is done.");
        }
        Optional<JsonObject> report = report(job);
        if (bucket != null) return redoFromBucket(key, job, report);
        String audioName = report.map(r -> input(r, "audio", "file")).orElse(null);
        String templateName = report.map(r -> input(r, "template", "file")).orElse(null);
        String batch = report.map(r -> r.getString("batch")).orElse(null);
        Optional<Path> audio = audioName == null ? Optional.empty() : archived(batch, audioName, input(report.get(), "audio", "sha256"));
        Optional<Path> template = templateName == null ? Optional.empty()
                : archived(batch, templateName, input(report.get(), "template", "sha256"));

        if (!store.reopen(key)) throw new BadRequest(404, job.name(), "the job is no longer in the store", "Reload the page.");
        if (audio.isEmpty() || template.isEmpty()) {
            String what = audioName == null ? "its audio and video" : shown(batch, audioName) + " and " + shown(batch, templateName);
            return new Outcome(false, "reopened " + job.name() + ", but its inputs are no longer in the archive: drop " + what
                    + " into the inbox again to make outbox/" + job.output() + " again");
        }
        try {
            String placed = batch == null ? placeSingle(audio.get(), template.get()) : placeBatch(batch, audio.get(), template.get());
            return new Outcome(true, job.name() + " is queued again from " + archive.getFileName() + "/"
                    + archive.relativize(template.get().getParent()) + " (inbox/" + placed + "); outbox/" + job.output()
                    + " will be replaced when it is done");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the inputs of " + job.name() + " into the inbox", e);
        }
    }

    private Optional<JsonObject> report(JobRecord job) {
        if (job.output() == null) return Optional.empty();
        try {
            Path video = SafePaths.resolve(outbox, job.output());
            Path r = OutputNames.reportPath(video);
            if (Files.isRegularFile(r)) return Optional.of((JsonObject) Jsoner.deserialize(Files.readString(r)));
            if (delivered == null) return Optional.empty();
            // bucket mode, made on another node: the report it delivered
            Optional<byte[]> b = delivered.read(outbox.relativize(r).toString().replace('\\', '/'), REPORT_MAX_BYTES);
            return b.isEmpty() ? Optional.empty()
                    : Optional.of((JsonObject) Jsoner.deserialize(new String(b.get(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw e; // the bucket cannot be reached: not "no report"
        } catch (IOException | RuntimeException | org.apache.camel.util.json.DeserializationException e) {
            return Optional.empty();
        }
    }

    /** Bucket mode: the inputs from the bucket's archive back into its inbox. */
    private Outcome redoFromBucket(String key, JobRecord job, Optional<JsonObject> report) {
        String audioName = report.map(r -> input(r, "audio", "file")).orElse(null);
        String templateName = report.map(r -> input(r, "template", "file")).orElse(null);
        String batch = report.map(r -> r.getString("batch")).orElse(null);
        Optional<String> audio = audioName == null ? Optional.empty()
                : archivedKey(batch, audioName, input(report.get(), "audio", "sha256"), bytes(report.get(), "audio"));
        Optional<String> template = templateName == null ? Optional.empty()
                : archivedKey(batch, templateName, input(report.get(), "template", "sha256"), bytes(report.get(), "template"));

        if (!store.reopen(key)) throw new BadRequest(404, job.name(), "the job is no longer in the store", "Reload the page.");
        if (audio.isEmpty() || template.isEmpty()) {
            String what = audioName == null ? "its audio and video" : shown(batch, audioName) + " and " + shown(batch, templateName);
            return new Outcome(false, "reopened " + job.name() + ", but its inputs are no longer in the bucket's archive: drop " + what
                    + " into " + bucket.inboxUrl() + " again to make outbox/" + job.output() + " again");
        }
        String placed = batch == null ? copySingle(audioName, audio.get(), templateName, template.get())
                : copyBatch(batch, audioName, audio.get(), templateName, template.get());
        String from = template.get().substring(0, template.get().lastIndexOf('/'));
        return new Outcome(true, job.name() + " is queued again from " + from + " (" + bucket.inboxKey(placed) + "); outbox/"
                + job.output() + " will be replaced when it is done");
    }

    /**
     * The key of the newest archive/<date>/[batch/]name in the bucket whose content is the one the report names: its
     * size first (a HEAD), then its SHA-256, read through once (a redo is rare; the archive may hold another file of
     * the name from another day).
     */
    private Optional<String> archivedKey(String batch, String name, String sha, Long size) {
        try {
            SafePaths.checkName(name);
            if (batch != null) SafePaths.checkName(batch);
            List<String> days = bucket.archiveFolders("").stream().filter(d -> d.matches("\\d{4}-\\d\\d-\\d\\d"))
                    .sorted(Comparator.reverseOrder()).toList();
            for (String day : days) {
                List<String> folders = batch == null ? List.of(day) : bucket.archiveFolders(day).stream()
                        .filter(f -> f.equals(batch) || f.matches(java.util.regex.Pattern.quote(batch) + " \\(\\d+\\)"))
                        .sorted().map(f -> day + "/" + f).toList();
                for (String folder : folders) {
                    String k = bucket.archiveKey(folder + "/" + name);
                    var head = bucket.head(k);
                    if (head.isEmpty() || size != null && !size.equals(head.get().contentLength())) continue;
                    if (sha == null || sha.isEmpty() || bucket.sha256(k).map(sha::equals).orElse(false)) return Optional.of(k);
                }
            }
        } catch (SafePaths.Refused e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private String copySingle(String audioName, String audioKey, String templateName, String templateKey) {
        // the names the drop would share with a drop in the bucket's inbox: any file of the stem, or its marker (a
        // marker there would have the intake take the video alone, before the audio is copied)
        String stem = MediaTypes.stem(Path.of(audioName));
        for (String n : bucket.inboxNames()) {
            int dot = n.lastIndexOf('.');
            if (n.equals(stem) || (dot > 0 ? n.substring(0, dot) : n).equals(stem)) {
                throw new BadRequest(409, n, "the job is reopened, but a file of that name is in the bucket's inbox already",
                        "Drop " + audioName + " and " + templateName + " into " + bucket.inboxUrl() + " again when that drop is finished.");
            }
        }
        // the video, then the audio that starts the job, then the marker: the intake takes the drop whole
        copy(List.of(templateKey, audioKey), List.of(templateName, audioName, stem + BucketFolders.READY));
        return audioName;
    }

    private String copyBatch(String batch, String audioName, String audioKey, String templateName, String templateKey) {
        if (bucket.inboxNames().contains(batch)) {
            throw new BadRequest(409, batch + "/", "the job is reopened, but a batch named " + batch + " is in the bucket's inbox already",
                    "Drop " + batch + "/ with " + audioName + " and " + templateName + " again when it is finished.");
        }
        copy(List.of(audioKey, templateKey), List.of(batch + "/" + audioName, batch + "/" + templateName, batch + "/" + BucketFolders.READY));
        return batch + "/";
    }

    /** Server-side copies of {@code sources} into the inbox as a drop ({@link BucketFolders#writeDrop}). */
    private void copy(List<String> sources, List<String> targets) {
        bucket.writeDrop(targets, i -> bucket.copyIntoInbox(sources.get(i), targets.get(i)));
    }

    private static Long bytes(JsonObject report, String which) {
        if (!(report.get("inputs") instanceof JsonObject i) || !(i.get(which) instanceof JsonObject f)) return null;
        return f.get("bytes") instanceof Number n ? n.longValue() : null;
    }

    private static String input(JsonObject report, String which, String field) {
        Object inputs = report.get("inputs");
        if (!(inputs instanceof JsonObject i) || !(i.get(which) instanceof JsonObject f)) return null;
        return f.getString(field);
    }

    /** The newest archive/<date>/[batch/]name whose content is the one the report names. */
    private Optional<Path> archived(String batch, String name, String sha) {
        if (!Files.isDirectory(archive)) return Optional.empty();
        try (Stream<Path> days = Files.list(archive)) {
            for (Path day : days.filter(d -> d.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\d"))
                    .sorted(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed()).toList()) {
                for (Path folder : batch == null ? List.of(day) : batchFolders(day, batch)) {
                    Path f = SafePaths.resolve(folder, name);
                    if (Files.isRegularFile(f) && (sha == null || sha.isEmpty() || sha.equals(hasher.sha256(f)))) return Optional.of(f);
                }
            }
        } catch (IOException | SafePaths.Refused e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** promo, and promo (2) ... where a batch of the same name was archived twice that day. */
    private static List<Path> batchFolders(Path day, String batch) throws IOException {
        SafePaths.checkName(batch);
        try (Stream<Path> s = Files.list(day)) {
            return s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().equals(batch)
                    || d.getFileName().toString().matches(java.util.regex.Pattern.quote(batch) + " \\(\\d+\\)")).sorted().toList();
        }
    }

    private String placeSingle(Path audio, Path template) throws IOException {
        String a = audio.getFileName().toString(), t = template.getFileName().toString();
        for (String n : List.of(a, t)) {
            if (Files.exists(inbox.resolve(n))) {
                throw new BadRequest(409, n, "the job is reopened, but a file of that name is in the inbox already",
                        "Drop " + a + " and " + t + " into the inbox again when that drop is finished.");
            }
        }
        Path staging = staging();
        try {
            // copied beside the inbox first, then renamed in: the video, then the audio that starts the job
            Files.copy(template, staging.resolve(t));
            Files.copy(audio, staging.resolve(a));
            InboxMoves.rename(staging.resolve(t), inbox.resolve(t));
            InboxMoves.rename(staging.resolve(a), inbox.resolve(a));
            return a;
        } finally {
            FileTrees.delete(staging);
        }
    }

    private String placeBatch(String batch, Path audio, Path template) throws IOException {
        if (Files.exists(inbox.resolve(batch))) {
            throw new BadRequest(409, batch + "/", "the job is reopened, but a batch named " + batch + " is in the inbox already",
                    "Drop " + batch + "/ with " + audio.getFileName() + " and " + template.getFileName() + " again when it is finished.");
        }
        Path staging = staging();
        try {
            Files.copy(audio, staging.resolve(audio.getFileName().toString()));
            Files.copy(template, staging.resolve(template.getFileName().toString()));
            InboxMoves.rename(staging, inbox.resolve(batch));
            return batch + "/";
        } finally {
            FileTrees.delete(staging);
        }
    }

    private Path staging() throws IOException {
        return Files.createDirectories(inbox.resolve(".redo-" + UUID.randomUUID()));
    }


    private static String shown(String batch, String name) { return batch == null ? name : batch + "/" + name; }
}
