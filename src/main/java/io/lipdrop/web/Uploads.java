package io.lipdrop.web;

import io.lipdrop.files.FileTrees;
import io.lipdrop.intake.DropPlanner;
import io.lipdrop.intake.MediaTypes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The upload form as a second door to the inbox: one audio and one video or photo become a single drop
 * ({@code <video stem>.<audio ext>} beside the video), one audio and several become a batch folder. The files
 * are checked as the intake would check them (type, empty, an audio stream) before anything reaches the inbox,
 * and they arrive with renames only: a single drop's video, then its audio (the audio starts the job); a batch
 * as a whole folder made under a hidden name and renamed. The inbox never shows half an upload.
 * <p>
 * In bucket mode (lipdrop.intake.source=s3) the drop goes into the bucket's inbox instead, so that any node may take it
 * and nothing is lost with this one: the same checks here, then the files uploaded and, last, the drop's {@code .ready}
 * marker, which has the bucket intake take it at once and never half (without the marker a drop is taken only once
 * its objects have stopped changing).
 */
public final class Uploads {
    /** A file the browser sent: its name as the user's computer had it, and where the server stored it. */
    public record Part(String field, String name, Path stored) {}

    /** What arrived in the inbox. */
    public record Placed(String drop, boolean batch, List<String> jobs) {}

    private final Path inbox;
    // bucket mode: where the drops go; null in folder mode
    private final BucketFolders bucket;

    public Uploads(Path inbox) { this(inbox, null); }

    /** @param bucket the bucket's inbox that uploads go to (bucket mode); null: this node's inbox folder */
    public Uploads(Path inbox, BucketFolders bucket) {
        this.inbox = inbox.toAbsolutePath().normalize();
        this.bucket = bucket;
    }

    /**
     * Where the server streams uploads while they arrive: hidden, inside the inbox (same file system, so renames). In
     * bucket mode too: the files are checked here before any reaches the bucket.
     */
    public Path spool() { return inbox.resolve(".uploads"); }

    /**
     * @param batchName the batch folder's name when several videos come (empty: the audio's name)
     */
    public Placed place(List<Part> parts, String batchName) {
        List<Part> audios = parts.stream().filter(p -> p.field().equals("audio")).toList();
        List<Part> templates = parts.stream().filter(p -> p.field().equals("videos")).toList();
        List<Part> others = parts.stream().filter(p -> !p.field().equals("audio") && !p.field().equals("videos")).toList();
        if (!others.isEmpty()) {
            throw new BadRequest(400, others.get(0).name(), "the form field '" + others.get(0).field() + "' is not known",
                    "Send the speech as 'audio' and the presenter videos or photos as 'videos'.");
        }
        if (audios.size() != 1) {
            throw new BadRequest(422, audios.isEmpty() ? null : names(audios), audios.isEmpty() ? "no audio file was sent"
                    : audios.size() + " audio files were sent and a drop takes exactly one",
                    "Choose one speech recording (" + String.join("/", new java.util.TreeSet<>(MediaTypes.AUDIO)) + ").");
        }
        if (templates.isEmpty()) {
            throw new BadRequest(422, null, "no video or photo was sent",
                    "Choose one or more presenter videos (" + String.join("/", new java.util.TreeSet<>(MediaTypes.VIDEO)) + ") or photos.");
        }
        Part audio = audios.get(0);
        List<String> seen = new ArrayList<>();
        for (Part p : parts) {
            checkName(p.name());
            if (seen.contains(p.name())) throw new BadRequest(422, p.name(), "two files have the same name", "Rename one of them.");
            seen.add(p.name());
        }
        check(audio, true);
        for (Part t : templates) check(t, false);

        Path staging = inbox.resolve(".upload-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            for (Part p : parts) InboxMoves.rename(p.stored(), staging.resolve(p.name()));
            Path stagedAudio = staging.resolve(audio.name());
            String problem = DropPlanner.audioProblem(stagedAudio);
            if (problem != null) {
                throw new BadRequest(422, audio.name(), problem, "Upload the speech as "
                        + String.join("/", new java.util.TreeSet<>(MediaTypes.AUDIO)) + " with an audio track.");
            }
            if (bucket != null) {
                return templates.size() == 1 ? putSingle(staging, audio, templates.get(0)) : putBatch(staging, audio, templates, batchName);
            }
            return templates.size() == 1 ? placeSingle(staging, audio, templates.get(0)) : placeBatch(staging, audio, templates, batchName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload into " + (bucket != null ? bucket.inboxUrl() : inbox), e);
        } finally {
            try {
                FileTrees.delete(staging);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clean " + staging, e);
            }
        }
    }

    private Placed placeSingle(Path staging, Part audio, Part template) throws IOException {
        // the pair must share a name: the video's, unless a drop of that name is waiting in the inbox already
        String stem = freeStem(MediaTypes.stem(Path.of(template.name())));
        String video = stem + "." + MediaTypes.extension(Path.of(template.name()));
        String sound = stem + "." + MediaTypes.extension(Path.of(audio.name()));
        // the video first: the audio is what starts a single job, and it must find its partner complete
        InboxMoves.rename(staging.resolve(template.name()), inbox.resolve(video));
        InboxMoves.rename(staging.resolve(audio.name()), inbox.resolve(sound));
        return new Placed(sound, false, List.of(video));
    }

    private Placed placeBatch(Path staging, Part audio, List<Part> templates, String batchName) throws IOException {
        String wanted = batchName == null || batchName.isBlank() ? MediaTypes.stem(Path.of(audio.name())) : batchName.strip();
        checkName(wanted);
        String folder = free(wanted);
        InboxMoves.rename(staging, inbox.resolve(folder));
        return new Placed(folder + "/", true, templates.stream().map(t -> folder + "/" + t.name()).toList());
    }

    /** Bucket mode: the pair under a stem free in the bucket's inbox, the video first, then the audio, then {@code <stem>.ready}. */
    private Placed putSingle(Path staging, Part audio, Part template) {
        java.util.Set<String> names = bucket.inboxNames();
        String stem = freeStem(MediaTypes.stem(Path.of(template.name())), names);
        String video = stem + "." + MediaTypes.extension(Path.of(template.name()));
        String sound = stem + "." + MediaTypes.extension(Path.of(audio.name()));
        put(List.of(video, sound, stem + BucketFolders.READY),
                List.of(staging.resolve(template.name()), staging.resolve(audio.name())));
        return new Placed(sound, false, List.of(video));
    }

    /** Bucket mode: every file under a folder name free in the bucket's inbox, then {@code <folder>/.ready}. */
    private Placed putBatch(Path staging, Part audio, List<Part> templates, String batchName) {
        String wanted = batchName == null || batchName.isBlank() ? MediaTypes.stem(Path.of(audio.name())) : batchName.strip();
        checkName(wanted);
        String folder = free(wanted, bucket.inboxNames());
        List<String> keys = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        keys.add(folder + "/" + audio.name());
        files.add(staging.resolve(audio.name()));
        for (Part t : templates) {
            keys.add(folder + "/" + t.name());
            files.add(staging.resolve(t.name()));
        }
        keys.add(folder + "/" + BucketFolders.READY);
        put(keys, files);
        return new Placed(folder + "/", true, templates.stream().map(t -> folder + "/" + t.name()).toList());
    }

    /** Uploads {@code files} into the inbox as a drop ({@link BucketFolders#writeDrop}). */
    private void put(List<String> keys, List<Path> files) {
        bucket.writeDrop(keys, i -> bucket.putInbox(keys.get(i), files.get(i)));
    }

    private static void check(Part p, boolean audio) {
        Path name = Path.of(p.name());
        if (!MediaTypes.isSupported(name)) {
            String ext = MediaTypes.extension(name);
            throw new BadRequest(422, p.name(), ext.isEmpty() ? "the file has no extension, so its type is unknown"
                    : "." + ext + " files are not supported", "LipDrop takes " + MediaTypes.supportedList() + ".");
        }
        if (audio && !MediaTypes.isAudio(name)) {
            throw new BadRequest(422, p.name(), "this is not an audio file", "Choose the speech recording as the audio.");
        }
        if (!audio && !MediaTypes.isTemplate(name)) {
            throw new BadRequest(422, p.name(), "this is not a video or photo", "Choose presenter videos or photos here, the speech above.");
        }
        try {
            if (Files.size(p.stored()) == 0) throw new BadRequest(422, p.name(), "the file is empty (0 bytes)", "Choose the file again.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkName(String name) {
        try {
            SafePaths.checkName(name);
        } catch (SafePaths.Refused r) {
            throw new BadRequest(422, name, r.getMessage(), "Rename the file and upload it again.");
        }
        if (MediaTypes.isTransient(Path.of(name))) {
            throw new BadRequest(422, name, "names like this one are what uploaders use for unfinished files, which the inbox ignores",
                    "Rename the file and upload it again.");
        }
    }

    /** A stem no top-level inbox file has yet: {@code anna}, else {@code anna (2)}, ... */
    private String freeStem(String stem) throws IOException {
        for (int n = 1; ; n++) {
            String s = n == 1 ? stem : stem + " (" + n + ")";
            try (Stream<Path> files = Files.list(inbox)) {
                if (files.noneMatch(f -> MediaTypes.stem(f).equals(s) || f.getFileName().toString().equals(s))) return s;
            }
        }
    }

    /** The same against the bucket's inbox listing: its files, folders and markers ({@code anna.ready} takes {@code anna}). */
    private static String freeStem(String stem, java.util.Set<String> names) {
        for (int n = 1; ; n++) {
            String s = n == 1 ? stem : stem + " (" + n + ")";
            if (names.stream().noneMatch(f -> stemOf(f).equals(s) || f.equals(s))) return s;
        }
    }

    /** {@link MediaTypes#stem} of a name from the bucket, which need not be a valid local path. */
    private static String stemOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }

    private static String free(String name, java.util.Set<String> names) {
        for (int n = 1; ; n++) {
            String s = n == 1 ? name : name + " (" + n + ")";
            if (!names.contains(s)) return s;
        }
    }

    private String free(String name) {
        for (int n = 1; ; n++) {
            String s = n == 1 ? name : name + " (" + n + ")";
            if (!Files.exists(inbox.resolve(s))) return s;
        }
    }


    private static String names(List<Part> parts) {
        return String.join(", ", parts.stream().map(Part::name).toList());
    }

    /**
     * Removes what uploads, redos and retries left behind when a node stopped in the middle of one (a half-received
     * file in the spool, a hidden staging folder). Only what is older than {@code age}: other nodes sharing the
     * inbox may be receiving an upload right now.
     */
    public void removeLeftovers(java.time.Duration age) {
        long before = System.currentTimeMillis() - age.toMillis();
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> s = Files.list(inbox)) {
            s.filter(p -> p.getFileName().toString().matches("\\.(upload|redo|retry)-[0-9a-f-]{36}")).forEach(candidates::add);
        } catch (IOException e) {
            return;
        }
        if (Files.isDirectory(spool())) {
            try (Stream<Path> s = Files.list(spool())) {
                s.forEach(candidates::add);
            } catch (IOException e) {
                return;
            }
        }
        for (Path p : candidates) {
            try {
                if (Files.getLastModifiedTime(p).toMillis() < before) FileTrees.delete(p);
            } catch (IOException | UncheckedIOException e) {
                // gone meanwhile, or not ours to remove: the next start looks again
            }
        }
    }
}
