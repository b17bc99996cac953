package io.lipdrop.intake;

import io.lipdrop.job.Drop;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobSettings;
import io.lipdrop.job.JobTask;
import io.lipdrop.lipsync.UnusableInputException;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns the file that triggered a poll into a {@link Drop}: finds the single job's partner or reads the
 * batch folder, and checks what can be checked cheaply before any work (empty files, unknown types,
 * a batch without exactly one audio, an audio without an audio stream).
 */
public final class DropPlanner {
    private final Path inbox;
    private final JobSettingsFile settingsFile;
    private final JobKeys keys;

    /** @param keys the node's job keys: every planned job gets its key here, once */
    public DropPlanner(Path inbox, JobKeys keys) { this(inbox, new JobSettingsFile(null), keys); }

    public DropPlanner(Path inbox, JobSettingsFile settingsFile, JobKeys keys) {
        this.inbox = inbox.toAbsolutePath().normalize();
        this.settingsFile = settingsFile;
        this.keys = keys;
    }

    public Drop plan(File trigger) {
        Path p = trigger.toPath().toAbsolutePath().normalize();
        int depth = inbox.relativize(p).getNameCount();
        return depth >= 2 ? planBatch(p.getParent()) : planSingle(p);
    }

    private Drop planSingle(Path file) {
        String name = file.getFileName().toString();
        if (!MediaTypes.isSupported(file)) {
            String ext = MediaTypes.extension(file);
            return Drop.invalid(file, name, List.of(file), ext.isEmpty() ? "the file has no extension, so its type is unknown"
                            : "." + ext + " files are not supported",
                    "LipDrop takes " + MediaTypes.supportedList() + ". Convert the file or rename it with the right extension.");
        }
        Optional<Path> partner = partnerOf(file);
        Path yaml = settingsOf(file);
        List<Path> files = new java.util.ArrayList<>(partner.map(v -> List.of(file, v)).orElse(List.of(file)));
        if (Files.isRegularFile(yaml)) files.add(yaml); // archived or quarantined with its drop
        for (Path f : files) {
            if (size(f) == 0 && !f.equals(yaml)) {
                return Drop.invalid(file, MediaTypes.stem(file), files, f.getFileName() + " is empty (0 bytes)",
                        "The upload or copy probably failed: copy the file again.");
            }
        }
        if (partner.isEmpty()) {
            return Drop.invalid(file, name, files, "it has no partner file", "Drop the audio and the video with the same name.");
        }
        String problem = audioProblem(file);
        if (problem != null) {
            return Drop.invalid(file, MediaTypes.stem(file), files, file.getFileName() + ": " + problem,
                    "Drop the speech as " + String.join("/", new java.util.TreeSet<>(MediaTypes.AUDIO)) + " with an audio track.");
        }
        JobSettings settings;
        try {
            settings = Files.isRegularFile(yaml) ? settingsFile.read(yaml, shown(yaml)) : JobSettings.NONE;
        } catch (JobSettingsFile.Problem bad) {
            return Drop.invalid(file, MediaTypes.stem(file), files, bad.getMessage(), bad.advice());
        }
        Path video = partner.get();
        String out = settings.outputName(MediaTypes.stem(video), MediaTypes.stem(file), MediaTypes.stem(file), LocalDate.now());
        JobTask task = new JobTask(file, video, video.getFileName().toString(), out + ".mp4", 1, 1, null, settings, keys);
        return new Drop(Drop.Kind.SINGLE, file, MediaTypes.stem(file), files, List.of(task), List.of(), null, null);
    }

    private Drop planBatch(Path folder) {
        String job = folder.getFileName().toString();
        List<Path> files = InboxFilter.visibleFiles(folder);
        Path yaml = folder.resolve(JobSettingsFile.BATCH_FILE);
        List<Path> audios = files.stream().filter(MediaTypes::isAudio).toList();
        List<Path> templates = files.stream().filter(MediaTypes::isTemplate).toList();
        if (audios.size() != 1) {
            return Drop.invalid(folder, job, files, audios.isEmpty()
                            ? "the batch folder has no audio file"
                            : "the batch folder has " + audios.size() + " audio files (" + names(audios) + ") and needs exactly one",
                    "Put exactly one speech recording (" + String.join("/", new java.util.TreeSet<>(MediaTypes.AUDIO))
                            + ") and the presenter videos in the folder, then drop it again.");
        }
        if (templates.isEmpty()) {
            return Drop.invalid(folder, job, files, "the batch folder has no video or photo",
                    "Add one or more presenter videos (" + String.join("/", new java.util.TreeSet<>(MediaTypes.VIDEO)) + ") to the folder.");
        }
        Path audio = audios.get(0);
        if (size(audio) == 0) {
            return Drop.invalid(folder, job, files, audio.getFileName() + " is empty (0 bytes)", "Copy the audio again.");
        }
        String problem = audioProblem(audio);
        if (problem != null) {
            return Drop.invalid(folder, job, files, audio.getFileName() + ": " + problem, "Replace the audio with a speech recording.");
        }
        JobSettings settings;
        try {
            settings = files.contains(yaml) ? settingsFile.read(yaml, shown(yaml)) : JobSettings.NONE;
        } catch (JobSettingsFile.Problem bad) {
            return Drop.invalid(folder, job, files, bad.getMessage(), bad.advice());
        }
        String pattern = settings.outputPattern().orElse("{name}");
        if (templates.size() > 1 && !pattern.contains("{name}")) {
            return Drop.invalid(folder, job, files, shown(yaml) + ": output: '" + Names.printable(pattern)
                            + "' would give all " + templates.size() + " videos the same name (allowed: a pattern with {name} in a batch)",
                    "Put {name} into the output pattern, such as \"{batch}-{name}\", and drop the folder again.");
        }
        List<Drop.Rejected> rejected = new ArrayList<>();
        List<Path> usable = new ArrayList<>();
        for (Path t : templates) {
            if (size(t) == 0) {
                rejected.add(new Drop.Rejected(t, "the file is empty (0 bytes)", "Copy the video again."));
            } else {
                usable.add(t);
            }
        }
        List<JobTask> jobs = new ArrayList<>();
        for (Path t : usable) {
            String out = settings.outputName(MediaTypes.stem(t), job, MediaTypes.stem(audio), LocalDate.now());
            jobs.add(new JobTask(audio, t, job + "/" + t.getFileName(), job + "/" + out + ".mp4", jobs.size() + 1, usable.size(), job,
                    settings, keys));
        }
        for (Path f : files) {
            if (f.equals(yaml)) continue;
            if (!MediaTypes.isSupported(f)) {
                rejected.add(new Drop.Rejected(f, "." + MediaTypes.extension(f) + " files are not supported",
                        "LipDrop takes " + MediaTypes.supportedList() + "."));
            }
        }
        return new Drop(Drop.Kind.BATCH, folder, job, files, jobs, rejected, null, null);
    }

    /** A single job's settings file: {@code anna.lipdrop.yaml} beside {@code anna.wav}. */
    static Path settingsOf(Path file) {
        return file.resolveSibling(MediaTypes.stem(file) + JobSettingsFile.SINGLE_SUFFIX);
    }

    private String shown(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(inbox) ? inbox.relativize(abs).toString() : p.getFileName().toString();
    }

    /** The same-named partner of a top-level file: the template for an audio, the audio for a template. */
    public static Optional<Path> partnerOf(Path file) {
        String stem = MediaTypes.stem(file);
        boolean audio = MediaTypes.isAudio(file);
        try (Stream<Path> s = Files.list(file.getParent())) {
            return s.filter(f -> !f.equals(file) && Files.isRegularFile(f) && !MediaTypes.isTransient(f))
                    .filter(f -> MediaTypes.stem(f).equals(stem))
                    .filter(f -> audio ? MediaTypes.isTemplate(f) : MediaTypes.isAudio(f))
                    .sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Null when FFmpeg finds an audio stream in the file, else what is wrong, in plain words. */
    public static String audioProblem(Path audio) {
        io.lipdrop.lipsync.MediaLibraries.init();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(audio.toFile())) {
            g.start();
            return g.hasAudio() && g.getAudioChannels() > 0 ? null : "the file has no audio stream";
        } catch (FrameGrabber.Exception e) {
            return io.lipdrop.lipsync.MediaLibraries.describeOpenError(e);
        } catch (UnusableInputException e) {
            return e.reason();
        }
    }

    private static String names(List<Path> files) {
        return String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList());
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

}
