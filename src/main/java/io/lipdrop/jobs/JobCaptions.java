package io.lipdrop.jobs;

import io.lipdrop.job.JobTask;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.lipsync.HeardSpeech;
import io.lipdrop.lipsync.JobOptions;
import io.lipdrop.lipsync.asr.LanguageModels;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.lipsync.asr.PhoneAligner;
import io.lipdrop.lipsync.asr.PhoneTiming;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>
 * Each job is heard in its language ({@code language:} in its settings, else {@code lipdrop.captions.language}) by that
 * language's model: English's is fetched, the others are installed by the user ({@link LanguageModels}). Phonemes are
 * placed for English only (the aligner's acoustic model is US English's), so another language's mouths follow the
 * viseme model while its words still become captions. A language without a model gets no captions (said once in the
 * log per language, and in each report's {@code captions.status}).
 */
public final class JobCaptions {
    private static final Logger LOG = LoggerFactory.getLogger(JobCaptions.class);

    /**
     * One language's verified speech model.
     *
     * @param model  what the report names ({@code com.alphacephei:vosk-model-en:0.3.45:aar}, or the installed source)
     * @param sha256 the model's tree hash (pinned for English, from its manifest for the others): part of job keys
     */
    public record Recogniser(SpeechRecognizer recognizer, String model, String sha256) {}

    private final String defaultLanguage;
    private final Map<String, Recogniser> recognisers;
    private final Map<String, String> unusable;
    private final Optional<PhoneAligner> aligner;
    private final String off;
    /** languages whose missing model the log has already told of: said once per language per process */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param defaultLanguage a job's language when its settings name none ({@code lipdrop.captions.language})
     * @param recognisers     the verified speech model of each language that has one
     * @param unusable        why a language's model is there but not used (damaged, English unfetched): the report's
     *                        status for its jobs; the start-up log has said it already
     * @param aligner         places English words' phonemes; empty: the mouths follow the viseme classifier
     */
    public JobCaptions(String defaultLanguage, Map<String, Recogniser> recognisers, Map<String, String> unusable,
                       Optional<PhoneAligner> aligner) {
        this(defaultLanguage, recognisers, unusable, aligner, null);
    }

    private JobCaptions(String defaultLanguage, Map<String, Recogniser> recognisers, Map<String, String> unusable,
                        Optional<PhoneAligner> aligner, String off) {
        this.defaultLanguage = defaultLanguage;
        this.recognisers = Map.copyOf(recognisers);
        this.unusable = Map.copyOf(unusable);
        this.aligner = aligner;
        this.off = off;
        warned.addAll(unusable.keySet());
    }

    /** No recogniser for any language ({@code lipdrop.captions=off}): {@code why} is every report's status. */
    public static JobCaptions none(String why) {
        return new JobCaptions(SpeechModelStore.LANGUAGE, Map.of(), Map.of(), Optional.empty(), why);
    }

    /** The node's language. */
    public String defaultLanguage() {
        return defaultLanguage;
    }

    /** The language a job with these options is heard in: its own, or the node's. */
    public String language(JobOptions o) {
        return o != null && o.language() != null ? o.language() : defaultLanguage;
    }

    /** The speech models' part of the key of a job in the node's language. */
    public String identity() {
        return identity(defaultLanguage);
    }

    /**
     * The speech models' part of job keys for a job in {@code language}: "speech=none", or the recogniser's (and for
     * English the aligner's) models. English's is what it was before languages, so English jobs keep their keys;
     * another language's names the language (without a model its result still differs from English's: no captions,
     * no phonemes) and its model's hash.
     */
    public String identity(String language) {
        if (off != null) return "speech=none";
        Recogniser r = recognisers.get(language);
        if (language.equals(SpeechModelStore.LANGUAGE)) {
            return r == null ? "speech=none" : "speech=" + r.sha256() + (aligner.isPresent() ? ",phonemes=" + ModelArchive.PHONES_EN.treeSha256() : "");
        }
        return "language=" + language + ",speech=" + (r == null ? "none" : r.sha256());
    }

    /** Starts hearing the job's audio (also under {@code captions: off}, where it gives the mouths phonemes). */
    public Pending start(JobTask job) {
        String off = job.settings().captions() ? null : "off (captions: off in " + job.settings().source()
                .map(p -> p.getFileName().toString()).orElse("the drop's settings") + ")";
        return start(job.audio(), job.name(), off, language(job.settings().picture()));
    }

    /** In the node's language. @param off why no captions are to be written (null: they are) */
    public Pending start(Path audio, String name, String off) {
        return start(audio, name, off, defaultLanguage);
    }

    /** @param off why no captions are to be written (null: they are) */
    public Pending start(Path audio, String name, String off, String language) {
        if (this.off != null) return new Pending(null, null, off != null ? off : this.off, language, null);
        Recogniser rec = recognisers.get(language);
        if (rec == null) {
            String why = unusable.getOrDefault(language, "no speech model for language " + language + ": install one with "
                    + LanguageModels.howToAdd(language));
            if (warned.add(language)) {
                LOG.warn("no speech model for language {}: its jobs get no captions and their mouths follow the viseme model; "
                        + "install one with {}", language, LanguageModels.howToAdd(language));
            }
            return new Pending(null, null, off != null ? off : why, language, null);
        }
        boolean english = language.equals(SpeechModelStore.LANGUAGE);
        // only English's phonemes drive the mouths: another language is heard for its captions alone
        if (!english && off != null) return new Pending(null, null, off, language, rec);
        AtomicBoolean cancelled = new AtomicBoolean();
        SpeechRecognizer r = rec.recognizer();
        CompletableFuture<Heard> f = new CompletableFuture<>();
        CompletableFuture<PhoneAligner.Session> aligning = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            // the phonemes are placed as the words are heard, from the same decode: the mouths need not wait for the end
            PhoneAligner.Session session = null;
            try {
                // the aligner's acoustic model and dictionary are US English's: other languages' words are not placed
                if (english && aligner.isPresent()) session = aligner.get().session(r.name(), cancelled::get);
            } catch (Throwable e) {
                LOG.warn("{}: the phonemes could not be placed ({}): the mouths follow the viseme model", name, String.valueOf(e));
            }
            aligning.complete(session);
            Transcript words;
            try {
                words = session == null ? r.recognise(audio, cancelled::get) : r.recognise(audio, cancelled::get, session, session);
            } catch (Throwable e) {
                if (session != null) session.abandon();
                f.completeExceptionally(e);
                return;
            }
            PhoneTiming phones = null;
            try {
                if (session != null) phones = session.finish(Math.round(words.audioSeconds() * 16000));
            } catch (Throwable e) {
                if (!cancelled.get()) LOG.warn("{}: the phonemes could not be placed ({}): the mouths follow the viseme model", name, String.valueOf(e));
            }
            f.complete(new Heard(words, phones));
        }, "lipdrop-asr");
        t.setDaemon(true); // a JVM that stops does not wait for a recognition whose job is gone
        t.start();
        return new Pending(f, cancelled, off, language, rec, aligning);

    }

    private record Heard(Transcript words, PhoneTiming phones) {}

    /** A recognition under way (or the reason there is none); the engine awaits its phonemes. */
    public static final class Pending implements HeardSpeech {
        private final CompletableFuture<Heard> heard;
        private final AtomicBoolean cancelled;
        private final String none;  // why no captions are written: null when they are
        private final String language;
        private final Recogniser recogniser; // null: none for the language
        private final CompletableFuture<PhoneAligner.Session> aligning; // null: no phonemes are placed

        Pending(CompletableFuture<Heard> heard, AtomicBoolean cancelled, String none, String language, Recogniser recogniser) {
            this(heard, cancelled, none, language, recogniser, null);
        }

        Pending(CompletableFuture<Heard> heard, AtomicBoolean cancelled, String none, String language, Recogniser recogniser,
                CompletableFuture<PhoneAligner.Session> aligning) {
            this.aligning = aligning;
            this.heard = heard;
            this.cancelled = cancelled;
            this.none = none;
            this.language = language;
            this.recogniser = recogniser;
        }

        /** The language the job is heard in. */
        public String language() {
            return language;
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
        public Optional<List<io.lipdrop.lipsync.asr.Phone>> phonesUpTo(double seconds) throws InterruptedException {
            if (aligning == null) return Optional.empty();
            try {
                PhoneAligner.Session session = aligning.get();
                return session == null ? Optional.empty() : session.phonesUpTo(seconds);
            } catch (ExecutionException e) {
                return Optional.empty();
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
        report.put("language", p.language);
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
        report.put("recogniser", p.recogniser.recognizer().name());
        report.put("model", p.recogniser.model());
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
