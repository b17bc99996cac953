package io.lipdrop.web;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileTrees;
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
 */
public final class Redo {
    /** What happened, in words for the user, and whether the job is on its way again. */
    public record Outcome(boolean requeued, String message) {}

    private final JobLedger store;
    private final Path outbox;
    private final Path archive;
    private final Path inbox;
    private final ContentHasher hasher = new ContentHasher();

    public Redo(JobLedger store, Path outbox, Path archive, Path inbox) {
        this.store = store;
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
            return Files.isRegularFile(r) ? Optional.of((JsonObject) Jsoner.deserialize(Files.readString(r))) : Optional.empty();
        } catch (IOException | RuntimeException | org.apache.camel.util.json.DeserializationException e) {
            return Optional.empty();
        }
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
