package io.lipdrop.jobs;

import io.lipdrop.intake.JobTask;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.lipsync.asr.SpeechModelStore;
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
 * A job's captions: its speech is recognised on a thread of its own while the video is made (the recogniser takes
 * 7-13 CPU seconds a minute of speech on the 2-core machine, so it runs beside the picture stages rather than after them), and
 * {@code <name>.srt} and {@code <name>.vtt} are written beside the video, each by an atomic rename. No model (or
 * {@code lipdrop.captions=off}), a drop's {@code captions: off}, or no words heard (music, noise, silence) write
 * nothing; the report's {@code captions} says which. A recogniser that fails costs the job its captions, never its video.
 */
public final class JobCaptions {
    private static final Logger LOG = LoggerFactory.getLogger(JobCaptions.class);

    private final Optional<SpeechRecognizer> recognizer;
    private final String unavailable;

    /** @param unavailable why there is no recogniser (for the report), when {@code recognizer} is empty */
    public JobCaptions(Optional<SpeechRecognizer> recognizer, String unavailable) {
        this.recognizer = recognizer;
        this.unavailable = unavailable;
    }

    public static JobCaptions none(String why) {
        return new JobCaptions(Optional.empty(), why);
    }

    /** Starts recognising the job's audio, unless the drop or the node turned captions off. */
    public Pending start(JobTask job) {
        if (!job.settings().captions()) return new Pending(null, null, "off (captions: off in " + job.settings().source()
                .map(p -> p.getFileName().toString()).orElse("the drop's settings") + ")");
        if (recognizer.isEmpty()) return new Pending(null, null, unavailable);
        AtomicBoolean cancelled = new AtomicBoolean();
        SpeechRecognizer r = recognizer.get();
        CompletableFuture<Transcript> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(r.recognise(job.audio(), cancelled::get));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "lipdrop-asr");
        t.setDaemon(true); // a JVM that stops does not wait for a recognition whose job is gone
        t.start();
        return new Pending(f, cancelled, null);
    }

    /** A recognition under way (or the reason there is none). */
    public static final class Pending {
        private final CompletableFuture<Transcript> transcript;
        private final AtomicBoolean cancelled;
        private final String none;

        Pending(CompletableFuture<Transcript> transcript, AtomicBoolean cancelled, String none) {
            this.transcript = transcript;
            this.cancelled = cancelled;
            this.none = none;
        }

        /** The job failed: stop at the next quarter second of audio. */
        public void cancel() {
            if (cancelled != null) cancelled.set(true);
        }
    }

    /**
     * Waits for the recognition and writes the caption files beside {@code video} ({@code anna.mp4}: {@code anna.srt},
     * {@code anna.vtt}). Returns what the report says and the files written (empty when none).
     */
    public Written write(Pending p, Path video, String jobName) throws InterruptedException {
        JsonObject report = new JsonObject();
        if (p.transcript == null) {
            report.put("status", p.none);
            return new Written(report, List.of());
        }
        Transcript t;
        try {
            t = p.transcript.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            LOG.warn("{}: no captions: the speech recogniser failed ({})", jobName, String.valueOf(cause));
            report.put("status", "failed: " + cause);
            return new Written(report, List.of());
        }
        SpeechRecognizer r = recognizer.orElseThrow();
        report.put("recogniser", r.name());
        report.put("model", SpeechModelStore.MODEL.toString());
        report.put("words", t.words().size());
        report.put("wordsLeftOut", t.dropped());
        report.put("seconds", round(t.wallSeconds()));
        report.put("cpuSecondsPerMinuteOfAudio", round(t.cpuSecondsPerMinute()));
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
