package io.lipdrop.web;

import io.lipdrop.files.FileTrees;
import io.lipdrop.intake.MediaTypes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What LipDrop could not take, as it already tells the user in {@code archive/failed/<date>/*.error.txt} (see
 * {@link io.lipdrop.intake.Quarantine}): the subject, the reason and what to do, read back for the jobs page;
 * and "try again", which puts the quarantined inputs back into the inbox as the user would.
 * <p>
 * In bucket mode (lipdrop.intake.source=s3) a node moves what it quarantined into the bucket's {@code archive/failed/},
 * so the list is read from there (any node's quarantine, and nothing lost with a node's disk).
 */
public final class QuarantineReports {
    private static final String SUFFIX = ".error.txt";

    /** One report; {@code id} is its path under archive/failed, which the retry request names. */
    public record Report(String id, String subject, String when, String reason, String advice, String attempts, String note) {}

    private final Path failed;
    private final Path archive;
    private final Path inbox;
    // bucket mode: where the reports are; null in folder mode
    private final BucketFolders bucket;

    public QuarantineReports(Path archive, Path inbox) {
        this(archive, inbox, null);
    }

    public QuarantineReports(Path archive, Path inbox, BucketFolders bucket) {
        this.bucket = bucket;
        this.archive = archive.toAbsolutePath().normalize();
        this.failed = this.archive.resolve("failed");
        this.inbox = inbox.toAbsolutePath().normalize();
    }

    /** The newest reports first (days newest first, then by name), at most {@code limit}. */
    public List<Report> list(int limit) {
        if (bucket != null) return listBucket(limit);
        List<Report> out = new ArrayList<>();
        for (Path day : days()) {
            List<Path> reports;
            try (Stream<Path> s = Files.walk(day, 2)) {
                reports = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
                        .sorted(Comparator.comparing(this::modified).reversed()).toList();
            } catch (IOException e) {
                continue;
            }
            for (Path r : reports) {
                if (out.size() >= limit) return out;
                read(r).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Bucket mode: the same from the bucket's {@code archive/failed/} (a paged listing of it whole: the prefix holds
     * what was quarantined until housekeeping expires it), newest day first, newest report first within a day.
     */
    private List<Report> listBucket(int limit) {
        List<software.amazon.awssdk.services.s3.model.S3Object> reports = new ArrayList<>();
        String prefix = bucket.archiveKey("failed/");
        for (var o : bucket.archiveObjects("failed")) {
            String id = o.key().substring(prefix.length());
            if (id.endsWith(SUFFIX) && id.matches("\\d{4}-\\d\\d-\\d\\d/([^/]+/)?[^/]+")) reports.add(o);
        }
        reports.sort(Comparator.comparing((software.amazon.awssdk.services.s3.model.S3Object o) -> o.key().substring(prefix.length(), prefix.length() + 10))
                .thenComparing(software.amazon.awssdk.services.s3.model.S3Object::lastModified).reversed());
        List<Report> out = new ArrayList<>();
        for (var o : reports) {
            if (out.size() >= limit) break;
            // a report is a few lines: one far larger is not one
            bucket.read(o.key(), 64 * 1024).ifPresent(b -> out.add(parse(o.key().substring(prefix.length()),
                    new String(b, StandardCharsets.UTF_8).lines().toList())));
        }
        return out;
    }

    private List<Path> days() {
        if (!Files.isDirectory(failed)) return List.of();
        try (Stream<Path> s = Files.list(failed)) {
            return s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\d"))
                    .sorted(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    Optional<Report> read(Path report) {
        List<String> lines;
        try {
            lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(parse(failed.relativize(report).toString(), lines));
    }

    private static Report parse(String id, List<String> lines) {
        return new Report(id, field(lines, "LipDrop could not process: "), field(lines, "When: "), field(lines, "Reason: "),
                field(lines, "What to do: "), field(lines, "Attempts: "), field(lines, "Note: "));
    }

    /** A field's value; a name with a newline in it continues on the next lines, up to the next field. */
    private static String field(List<String> lines, String label) {
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith(label)) continue;
            StringBuilder v = new StringBuilder(lines.get(i).substring(label.length()));
            if (label.startsWith("LipDrop")) {
                for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("When: "); j++) v.append('\n').append(lines.get(j));
            }
            return v.toString();
        }
        return null;
    }

    /** The report file an id names: under archive/failed/<date>/, ending in .error.txt, and there. */
    public Path locate(String id) {
        if (id == null || !id.endsWith(SUFFIX)) throw new SafePaths.Refused("not a quarantine report: " + id);
        Path p = SafePaths.resolve(failed, id);
        if (!Files.isRegularFile(p)) throw new BadRequest(404, id, "there is no such quarantine report", "Reload the page.");
        try {
            // a symbolic link on the way must not lead out of archive/failed
            if (!p.toRealPath().startsWith(failed.toRealPath())) throw new SafePaths.Refused("the path leads outside archive/failed/");
        } catch (IOException e) {
            throw new BadRequest(404, id, "there is no such quarantine report", "Reload the page.");
        }
        return p;
    }

    /**
     * Puts a quarantined drop back into the inbox so that LipDrop tries it again, and removes its report: a batch
     * folder as a folder, a single drop's audio and video (the video first), a batch's video together with the
     * batch's audio from the archive, as a new batch folder. Returns what is in the inbox now.
     */
    public String retry(String id) {
        if (bucket != null) return retryFromBucket(id);
        Path report = locate(id);
        String moved = report.getFileName().toString();
        Path item = report.resolveSibling(moved.substring(0, moved.length() - SUFFIX.length()));
        Report r = read(report).orElseThrow();
        if (!Files.exists(item)) {
            throw new BadRequest(409, r.subject(), "the quarantined files are no longer in " + failed.relativize(item.getParent()),
                    "Drop the inputs into the inbox again.");
        }
        Path day = failed.resolve(failed.relativize(report).getName(0));
        try {
            String placed;
            if (Files.isDirectory(item)) {
                placed = backAsFolder(item, r);
            } else if (item.getParent().equals(day)) {
                placed = backAsSingle(item, r);
            } else {
                placed = backIntoBatch(item, r);
            }
            Files.deleteIfExists(report);
            return placed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + item + " back into the inbox", e);
        }
    }

    /** A whole batch folder; back under the name the user gave it (the quarantine may have numbered it: "promo (2)"). */
    private String backAsFolder(Path folder, Report r) throws IOException {
        String subject = r.subject() == null ? "" : r.subject();
        String name = subject.endsWith("/") && subject.indexOf('/') == subject.length() - 1
                ? subject.substring(0, subject.length() - 1) : folder.getFileName().toString();
        SafePaths.checkName(name);
        refuseTaken(name, name + "/");
        Path staging = staging();
        try {
            bring(folder, staging.resolve(name));
            InboxMoves.rename(staging.resolve(name), inbox.resolve(name));
            return name + "/";
        } finally {
            FileTrees.delete(staging);
        }
    }

    private String backAsSingle(Path file, Report r) throws IOException {
        String stem = MediaTypes.stem(file);
        List<Path> pair;
        try (Stream<Path> s = Files.list(file.getParent())) {
            pair = s.filter(Files::isRegularFile).filter(f -> MediaTypes.stem(f).equals(stem) && MediaTypes.isSupported(f)).toList();
        }
        Optional<Path> audio = pair.stream().filter(MediaTypes::isAudio).findFirst();
        Optional<Path> template = pair.stream().filter(MediaTypes::isTemplate).findFirst();
        if (audio.isEmpty() || template.isEmpty()) {
            throw new BadRequest(409, r.subject(), "this cannot be tried again as it is: " + r.reason(), r.advice());
        }
        String a = audio.get().getFileName().toString(), t = template.get().getFileName().toString();
        refuseTaken(t, t);
        refuseTaken(a, a);
        Path staging = staging();
        try {
            bring(template.get(), staging.resolve(t));
            bring(audio.get(), staging.resolve(a));
            // the video first: the audio starts the job and must find its partner there
            InboxMoves.rename(staging.resolve(t), inbox.resolve(t));
            InboxMoves.rename(staging.resolve(a), inbox.resolve(a));
            return a;
        } finally {
            FileTrees.delete(staging);
        }
    }

    /** A batch's video quarantined alone: its audio was archived with the batch (the report's note names it). */
    private String backIntoBatch(Path template, Report r) throws IOException {
        if (!MediaTypes.isTemplate(template)) {
            throw new BadRequest(409, r.subject(), "this cannot be tried again as it is: " + r.reason(), r.advice());
        }
        String batch = template.getParent().getFileName().toString();
        Path audio = r.note() == null ? null : archivedAudio(r.note());
        if (audio == null) {
            throw new BadRequest(409, r.subject(), "the batch's audio is no longer in the archive",
                    "Drop a batch folder with the audio and " + template.getFileName() + " into the inbox.");
        }
        refuseTaken(batch, batch + "/");
        Path staging = staging();
        try {
            Path folder = Files.createDirectories(staging.resolve(batch));
            Files.copy(audio, folder.resolve(audio.getFileName().toString())); // the archive keeps its copy
            bring(template, folder.resolve(template.getFileName().toString()));
            InboxMoves.rename(folder, inbox.resolve(batch));
            return batch + "/";
        } finally {
            FileTrees.delete(staging);
        }
    }

    /**
     * Bucket mode: {@link #retry} in the bucket. The quarantined files are copied (server-side) from
     * {@code archive/failed/} into the bucket's inbox, as the drop they were, with the drop's {@code .ready} marker last
     * so that the intake takes it whole; then they and the report are removed from archive/failed (a move, as in
     * folder mode). A batch's audio is copied from the archive, which keeps it.
     */
    private String retryFromBucket(String id) {
        if (id == null || !id.endsWith(SUFFIX)) throw new SafePaths.Refused("not a quarantine report: " + id);
        String[] parts = id.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || !parts[0].matches("\\d{4}-\\d\\d-\\d\\d")) {
            throw new SafePaths.Refused("not a quarantine report: " + id);
        }
        for (String part : parts) SafePaths.checkName(part);
        String reportKey = bucket.archiveKey("failed/" + id);
        Report r = bucket.read(reportKey, 64 * 1024).map(b -> parse(id, new String(b, StandardCharsets.UTF_8).lines().toList()))
                .orElseThrow(() -> new BadRequest(404, id, "there is no such quarantine report", "Reload the page."));
        String item = id.substring(0, id.length() - SUFFIX.length());
        String itemKey = bucket.archiveKey("failed/" + item);
        List<software.amazon.awssdk.services.s3.model.S3Object> inFolder = bucket.archiveObjects("failed/" + item);
        String placed;
        if (!inFolder.isEmpty()) {
            placed = bucketFolderBack(itemKey, inFolder, r);
        } else if (bucket.head(itemKey).isEmpty()) {
            throw new BadRequest(409, r.subject(), "the quarantined files are no longer in " + bucket.archiveKey("failed/" + parts[0]),
                    "Drop the inputs into " + bucket.inboxUrl() + " again.");
        } else if (parts.length == 2) {
            placed = bucketSingleBack(parts[0], item.substring(item.lastIndexOf('/') + 1), r);
        } else {
            placed = bucketBatchVideoBack(parts[1], parts[2].substring(0, parts[2].length() - SUFFIX.length()), itemKey, r);
        }
        bucket.delete(reportKey);
        return placed;
    }

    private String bucketFolderBack(String folderKey, List<software.amazon.awssdk.services.s3.model.S3Object> objects, Report r) {
        String subject = r.subject() == null ? "" : r.subject();
        String name = subject.endsWith("/") && subject.indexOf('/') == subject.length() - 1
                ? subject.substring(0, subject.length() - 1) : folderKey.substring(folderKey.lastIndexOf('/') + 1);
        SafePaths.checkName(name);
        refuseTakenInBucket(name, name + "/");
        // the batch's own files: the intake takes nothing deeper, and a marker is written anew
        List<String> sources = new ArrayList<>(), targets = new ArrayList<>();
        for (var o : objects) {
            String rest = o.key().substring(folderKey.length() + 1);
            if (rest.isEmpty() || rest.contains("/") || rest.equals(BucketFolders.READY)) continue;
            sources.add(o.key());
            targets.add(name + "/" + rest);
        }
        targets.add(name + "/" + BucketFolders.READY);
        copyBack(sources, targets, sources);
        return name + "/";
    }

    private String bucketSingleBack(String day, String file, Report r) {
        String stem = stemOf(file);
        List<String> pair = new ArrayList<>();
        String dayPrefix = bucket.archiveKey("failed/" + day) + "/";
        for (var o : bucket.archiveObjects("failed/" + day)) {
            String n = o.key().substring(dayPrefix.length());
            if (!n.contains("/") && stemOf(n).equals(stem) && MediaTypes.isSupported(Path.of(n))) pair.add(n);
        }
        Optional<String> audio = pair.stream().filter(n -> MediaTypes.isAudio(Path.of(n))).findFirst();
        Optional<String> template = pair.stream().filter(n -> MediaTypes.isTemplate(Path.of(n))).findFirst();
        if (audio.isEmpty() || template.isEmpty()) {
            throw new BadRequest(409, r.subject(), "this cannot be tried again as it is: " + r.reason(), r.advice());
        }
        refuseStemInBucket(stem, audio.get());
        List<String> sources = List.of(dayPrefix + template.get(), dayPrefix + audio.get());
        // the video first, then the audio, then the marker that has the intake take the pair
        copyBack(sources, List.of(template.get(), audio.get(), stem + BucketFolders.READY), sources);
        return audio.get();
    }

    private String bucketBatchVideoBack(String batch, String file, String templateKey, Report r) {
        if (!MediaTypes.isTemplate(Path.of(file))) {
            throw new BadRequest(409, r.subject(), "this cannot be tried again as it is: " + r.reason(), r.advice());
        }
        Optional<String> audio = r.note() == null ? Optional.empty() : archivedAudioKey(r.note());
        if (audio.isEmpty()) {
            throw new BadRequest(409, r.subject(), "the batch's audio is no longer in the archive",
                    "Drop a batch folder with the audio and " + file + " into " + bucket.inboxUrl() + ".");
        }
        refuseTakenInBucket(batch, batch + "/");
        String audioName = audio.get().substring(audio.get().lastIndexOf('/') + 1);
        // the archive keeps the batch's audio; the quarantined video moves
        copyBack(List.of(audio.get(), templateKey), List.of(batch + "/" + audioName, batch + "/" + file, batch + "/" + BucketFolders.READY),
                List.of(templateKey));
        return batch + "/";
    }

    /** {@link #archivedAudio} in the bucket: the newest archive/<date>/ or archive/failed/<date>/ promo[ (n)]/script.wav. */
    private Optional<String> archivedAudioKey(String note) {
        String prefix = "the batch's audio ", suffix = " is archived with the batch";
        if (!note.startsWith(prefix) || !note.endsWith(suffix)) return Optional.empty();
        String[] relative = note.substring(prefix.length(), note.length() - suffix.length()).split("/", -1);
        if (relative.length != 2) return Optional.empty();
        String batch = relative[0], file = relative[1];
        try {
            SafePaths.checkName(batch);
            SafePaths.checkName(file);
        } catch (SafePaths.Refused e) {
            return Optional.empty();
        }
        List<String> days = new ArrayList<>(); // archive-relative: 2026-12-06, failed/2026-12-06
        for (String root : List.of("", "failed")) {
            for (String d : bucket.archiveFolders(root)) {
                if (d.matches("\\d{4}-\\d\\d-\\d\\d")) days.add(root.isEmpty() ? d : root + "/" + d);
            }
        }
        days.sort(Comparator.comparing((String d) -> d.substring(d.length() - 10)).reversed());
        for (String day : days) {
            for (String folder : bucket.archiveFolders(day).stream().filter(f -> f.equals(batch)
                    || f.matches(java.util.regex.Pattern.quote(batch) + " \\(\\d+\\)")).sorted().toList()) {
                String key = bucket.archiveKey(day + "/" + folder + "/" + file);
                if (bucket.head(key).isPresent()) return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** Copies {@code sources} back into the inbox as a drop ({@link BucketFolders#writeDrop}), then removes {@code moved}. */
    private void copyBack(List<String> sources, List<String> targets, List<String> moved) {
        bucket.writeDrop(targets, i -> bucket.copyIntoInbox(sources.get(i), targets.get(i)));
        moved.forEach(bucket::delete);
    }

    private void refuseTakenInBucket(String name, String shown) {
        if (bucket.inboxNames().contains(name)) {
            throw new BadRequest(409, shown, "a drop named " + shown + " is in the bucket's inbox already", "Try again when it is finished.");
        }
    }

    /** A single drop's stem is taken by any file of that stem in the bucket's inbox, or by its marker. */
    private void refuseStemInBucket(String stem, String shown) {
        for (String n : bucket.inboxNames()) {
            if (n.equals(stem) || stemOf(n).equals(stem)) {
                throw new BadRequest(409, shown, "a drop named " + stem + " is in the bucket's inbox already", "Try again when it is finished.");
            }
        }
    }

    private static String stemOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }

    private void refuseTaken(String name, String shown) {
        if (Files.exists(inbox.resolve(name))) {
            throw new BadRequest(409, shown, "a drop named " + shown + " is in the inbox already", "Try again when it is finished.");
        }
    }

    private Path staging() throws IOException {
        return Files.createDirectories(inbox.resolve(".retry-" + UUID.randomUUID()));
    }

    /**
     * Into a hidden staging folder inside the inbox: a rename where the archive shares the inbox's file system,
     * else a copy (then the original goes), so that only the last step, a rename, makes it visible to the intake.
     */
    private static void bring(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // a fresh name: nothing to replace
        } catch (java.nio.file.AtomicMoveNotSupportedException acrossFileSystems) {
            try (Stream<Path> s = Files.walk(source)) {
                for (Path p : s.toList()) Files.copy(p, target.resolve(source.relativize(p).toString()));
            }
            FileTrees.delete(source);
        }
    }

    /**
     * "the batch's audio promo/script.wav is archived with the batch": the newest archive/<date>/promo/script.wav, or
     * promo (2)/... when that name was taken. A batch whose every video was quarantined is itself quarantined as
     * "no video" once its videos are gone, so archive/failed/<date>/ is searched as well.
     */
    private Path archivedAudio(String note) {
        String prefix = "the batch's audio ", suffix = " is archived with the batch";
        if (!note.startsWith(prefix) || !note.endsWith(suffix)) return null;
        Path relative = Path.of(note.substring(prefix.length(), note.length() - suffix.length()));
        if (relative.getNameCount() != 2) return null;
        String batch = relative.getName(0).toString(), file = relative.getName(1).toString();
        List<Path> days = new ArrayList<>();
        for (Path root : List.of(archive, failed)) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> s = Files.list(root)) {
                s.filter(d -> d.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\d")).forEach(days::add);
            } catch (IOException e) {
                return null;
            }
        }
        days.sort(Comparator.comparing((Path d) -> d.getFileName().toString()).reversed());
        for (Path day : days) {
            try (Stream<Path> s = Files.list(day)) {
                for (Path folder : s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().equals(batch)
                        || d.getFileName().toString().matches(java.util.regex.Pattern.quote(batch) + " \\(\\d+\\)")).sorted().toList()) {
                    Path candidate = SafePaths.resolve(folder, file);
                    if (Files.isRegularFile(candidate)) return candidate;
                }
            } catch (IOException | SafePaths.Refused e) {
                return null;
            }
        }
        return null;
    }

}
