package io.lipdrop.jobs;

import io.lipdrop.intake.JobTask;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.lipsync.HeardSpeech;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.lipsync.asr.PhoneAligner;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.lipsync.asr.SpeechRecognizer;
import io.lipdrop.lipsync.asr.Transcript;
import io.lipdrop.lipsync.captions.CaptionFormat;
import io.lipdrop.lipsync.captions.Captions;
import io.lipdrop.lipsync.captions.Cue;
import org.apache.camel.util.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a job's speech says: its words are recognised and their phonemes placed ({@link PhoneAligner}) on a thread of
 * its own while the video is made (the recogniser takes 7-13 CPU seconds a minute of speech on the 2-core machine, the
 * aligner 4-7 more, so they run beside the picture stages rather than before them). The phonemes drive the mouths
 * ({@link HeardSpeech}); the words become {@code <name>.srt} and {@code <name>.vtt} beside the video, each by an atomic
 * rename. No model (or {@code lipdrop.captions=off}), a drop's {@code captions: off} (the speech is still heard for
 * the mouths), or no words heard (music, noise, silence) write no captions; the report's {@code captions} says which.
 * A recogniser that fails costs the job its captions and the mouths their phonemes, never its video.
 */
public final class JobCaptions {
    private static final Logger LOG = LoggerFactory.getLogger(JobCaptions.class);

    private final Optional<SpeechRecognizer> recognizer;
    private final Optional<PhoneAligner> aligner;
    private final String unavailable;
    private final String identity;

    /**
     * @param aligner     places the words' phonemes; empty: the mouths follow the viseme classifier
     * @param unavailable why there is no recogniser (for the report), when {@code recognizer} is empty
     * @param identity    what in the speech models changes a job's result (its captions, its mouths): part of job keys
     */
    public JobCaptions(Optional<SpeechRecognizer> recognizer, Optional<PhoneAligner> aligner, String unavailable, String identity) {
        this.recognizer = recognizer;
        this.aligner = aligner;
        this.unavailable = unavailable;
        this.identity = identity;
    }

    public static JobCaptions none(String why) {
        return new JobCaptions(Optional.empty(), Optional.empty(), why, "speech=none");
    }

    /** The speech models' part of job keys: "speech=none", or the recogniser's and aligner's models. */
    public String identity() {
        return identity;
    }

    /** Starts hearing the job's audio (also under {@code captions: off}: the mouths follow the phonemes). */
    public Pending start(JobTask job) {
        String off = job.settings().captions() ? null : "off (captions: off in " + job.settings().source()
                .map(p -> p.getFileName().toString()).orElse("the drop's settings") + ")";
        return start(job.audio(), job.name(), off);
    }

    /** @param off why no captions are to be written (null: they are) */
    public Pending start(Path audio, String name, String off) {
        if (recognizer.isEmpty()) return new Pending(null, null, off != null ? off : unavailable);
        AtomicBoolean cancelled = new AtomicBoolean();
        SpeechRecognizer r = recognizer.get();
        CompletableFuture<Heard> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            Transcript words;
            try {
                words = r.recognise(audio, cancelled::get);
            } catch (Throwable e) {
                f.completeExceptionally(e);
                return;
            }
            PhoneTiming phones = null;
            try {
                if (aligner.isPresent() && words.recognised()) phones = aligner.get().align(audio, words, r.name(), cancelled::get);
            } catch (Throwable e) {
                if (!cancelled.get()) LOG.warn("{}: the phonemes could not be placed ({}): the mouths follow the viseme model", name, String.valueOf(e));
            }
            f.complete(new Heard(words, phones));
        }, "lipdrop-asr");
        t.setDaemon(true); // a JVM that stops does not wait for a recognition whose job is gone
        t.start();
        return new Pending(f, cancelled, off);
    }

    private record Heard(Transcript words, PhoneTiming phones) {}

    /** A recognition under way (or the reason there is none); the engine awaits its phonemes. */
    public static final class Pending implements HeardSpeech {
        private final CompletableFuture<Heard> heard;
        private final AtomicBoolean cancelled;
        private final String none;  // why no captions are written: null when they are

        Pending(CompletableFuture<Heard> heard, AtomicBoolean cancelled, String none) {
            this.heard = heard;
            this.cancelled = cancelled;
            this.none = none;
        }

        /** The job failed: stop at the next quarter second of audio. */
        public void cancel() {
            if (cancelled != null) cancelled.set(true);
        }

        @Override
        public Optional<PhoneTiming> timing() throws InterruptedException {
            if (heard == null) return Optional.empty();
            try {
                return Optional.ofNullable(heard.get().phones());
            } catch (ExecutionException e) {
                return Optional.empty(); // said in the report's captions
            }
        }

        @Override
        public List<io.lipdrop.lipsync.asr.Word> words() throws InterruptedException {
            if (heard == null) return List.of();
            try {
                return heard.get().words().words();
            } catch (ExecutionException e) {
                return List.of();
            }
        }
    }

    /**
     * Waits for the recognition and writes the caption files beside {@code video} ({@code anna.mp4}: {@code anna.srt},
     * {@code anna.vtt}). Returns what the report says and the files written (empty when none).
     */
    public Written write(Pending p, Path video, String jobName) throws InterruptedException {
        JsonObject report = new JsonObject();
        if (p.heard == null) {
            report.put("status", p.none);
            return new Written(report, List.of());
        }
        Transcript t;
        Heard heard;
        try {
            heard = p.heard.get();
            t = heard.words();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            LOG.warn("{}: no captions: the speech recogniser failed ({})", jobName, String.valueOf(cause));
            report.put("status", "failed: " + cause);
            return new Written(report, List.of());
        }
        SpeechRecognizer r = recognizer.orElseThrow();
        report.put("recogniser", r.name());
        report.put("model", ModelArchive.VOSK_EN.toString());
        report.put("words", t.words().size());
        report.put("wordsLeftOut", t.dropped());
        report.put("seconds", round(t.wallSeconds()));
        report.put("cpuSecondsPerMinuteOfAudio", round(t.cpuSecondsPerMinute()));
        if (heard.phones() != null) {
            report.put("phonemeModel", ModelArchive.PHONES_EN.toString());
            report.put("wordsAligned", heard.phones().wordsAligned());
            report.put("wordsLeftToThePhonemeRecogniser", heard.phones().wordsRejected());
            report.put("alignerCpuSecondsPerMinuteOfAudio", round(heard.phones().cpuSecondsPerMinute()));
        }
        if (p.none != null) {
            report.put("status", p.none);
            return new Written(report, List.of());
        }
        if (!t.recognised()) {
            report.put("status", "no speech recognised");
            return new Written(report, List.of());
        }
        List<Cue> cues = Captions.cues(t.words());
        List<Path> files = new ArrayList<>();
        String base = video.getFileName().toString().replaceFirst("\\.mp4$", "");
        for (CaptionFormat f : CaptionFormat.values()) {
            Path file = video.resolveSibling(base + "." + f.extension());
            SafeMoves.writeAtomically(file, f.render(cues));
            files.add(file);
        }
        report.put("status", "written");
        report.put("cues", cues.size());
        report.put("files", files.stream().map(f -> f.getFileName().toString()).toList());
        return new Written(report, files);
    }

    /** The report's {@code captions} and the files written. */
    public record Written(JsonObject report, List<Path> files) {}

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
