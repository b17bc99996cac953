package io.lipdrop.lipsync.asr;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.SampleSink;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Words with their times from a job's audio, by Vosk (Kaldi) on a verified model folder. The audio is decoded by
 * {@link AudioDecoder} to 16 kHz mono and streamed to Vosk a quarter second at a time: nothing holds the audio whole,
 * and Vosk ends an utterance at each pause (and after 20 s at most), so what is kept grows with the words only. The
 * model (71 MB on disk) is loaded once, at the first use (0.7 s here), and shared: each recognition has its own
 * Vosk recogniser, so jobs running side by side each recognise their own audio.
 */
public final class SpeechRecognizer implements AutoCloseable {
    private static final float SAMPLE_RATE = 16_000f;
    /** samples handed to Vosk per call: a quarter second (fewer, larger native calls than the decoder's frames) */
    private static final int CHUNK = 4_000;

    private final Path modelDir;
    private final String name;
    private Model model;

    /** @param name what the report calls this recogniser ("vosk-en") */
    public SpeechRecognizer(Path modelDir, String name) {
        this.modelDir = modelDir;
        this.name = name;
    }

    private static final java.util.Map<Path, SpeechRecognizer> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The recogniser on a verified model, one per model folder in the JVM: the loaded model (124 MB resident here, a recogniser 25 MB more, native
     * memory) is shared by every job and kept until the JVM ends, so a recognition still finishing can never meet a
     * freed model.
     */
    public static SpeechRecognizer of(SpeechModel verified) {
        return of(verified.dir().orElseThrow(), SpeechModelStore.LANGUAGE);
    }

    /**
     * The same for a verified model of {@code language} ({@link LanguageModels}); named "vosk-&lt;language&gt;", which
     * reports show as {@code asr:vosk-de}.
     */
    public static SpeechRecognizer of(Path verifiedDir, String language) {
        Path dir = verifiedDir.toAbsolutePath().normalize();
        return SHARED.computeIfAbsent(dir, d -> new SpeechRecognizer(d, "vosk-" + language));
    }

    public String name() {
        return name;
    }

    public Transcript recognise(Path audio) {
        return recognise(audio, () -> false);
    }

    /**
     * @param cancelled asked between chunks: when true, recognition stops with a {@link CancellationException}
     * @throws io.lipdrop.lipsync.UnusableInputException when the audio cannot be decoded
     */
    public Transcript recognise(Path audio, BooleanSupplier cancelled) {
        return recognise(audio, cancelled, (samples, from, to) -> { }, (words, upTo) -> { });
    }

    /**
     * @param alsoTo     is given every decoded sample too (the phoneme aligner: one decode serves both)
     * @param utterances is given each utterance's kept words as Vosk ends it (at a pause), with the audio it has taken so
     *                   far (seconds): every later word starts after that (Vosk starts the next utterance afresh on the next
     *                   samples); the last with the final result and the audio's end
     */
    public Transcript recognise(Path audio, BooleanSupplier cancelled, SampleSink alsoTo, Utterances utterances) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Model m = model();
        List<Word> kept = new ArrayList<>();
        int[] dropped = {0};
        long samples;
        try (Recognizer r = new Recognizer(m, SAMPLE_RATE)) {
            r.setWords(true);
            Feed feed = new Feed(r, cancelled, (json, upTo) -> utterances.heard(take(json, kept, dropped), upTo), alsoTo);
            samples = new AudioDecoder().stream(audio, feed);
            feed.flush();
            utterances.heard(take(r.getFinalResult(), kept, dropped), samples / (double) SAMPLE_RATE);
        } catch (IOException e) {
            throw new IllegalStateException("Vosk cannot start a recogniser on " + modelDir + ": " + e.getMessage(), e);
        }
        return new Transcript(kept, dropped[0], samples / (double) SAMPLE_RATE, (System.nanoTime() - t0) / 1e9,
                (threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
    }

    /** Keeps the result's words that are shown ({@link WordFilter}) and returns them. */
    private static List<Word> take(String json, List<Word> kept, int[] dropped) {
        List<Word> these = new ArrayList<>();
        for (Word w : VoskResult.words(json)) {
            if (WordFilter.keep(w)) these.add(w);
            else dropped[0]++;
        }
        kept.addAll(these);
        return these;
    }

    /** Converts the decoder's float chunks to 16-bit samples and hands Vosk a quarter second at a time. */
    /** What hears each utterance's words as Vosk ends it. */
    @FunctionalInterface
    public interface Utterances {
        /** @param upTo seconds of audio Vosk has taken: no word still to come starts before */
        void heard(List<Word> words, double upTo);
    }

    private static final class Feed implements SampleSink {
        private final Recognizer recognizer;
        private final BooleanSupplier cancelled;
        private final java.util.function.BiConsumer<String, Double> utterance;
        private final SampleSink alsoTo;
        private long fed;
        private final short[] buffer = new short[CHUNK];
        private int n;

        Feed(Recognizer recognizer, BooleanSupplier cancelled, java.util.function.BiConsumer<String, Double> utterance, SampleSink alsoTo) {
            this.recognizer = recognizer;
            this.cancelled = cancelled;
            this.utterance = utterance;
            this.alsoTo = alsoTo;
        }

        @Override
        public void accept(float[] samples, int from, int to) {
            alsoTo.accept(samples, from, to);
            for (int i = from; i < to; i++) {
                buffer[n++] = (short) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767f)));
                if (n == CHUNK) flush();
            }
        }

        void flush() {
            if (cancelled.getAsBoolean()) throw new CancellationException("recognition cancelled");
            if (n == 0) return;
            // true: Vosk ended an utterance at a pause; its words are final and the recogniser goes on with the next
            fed += n;
            if (recognizer.acceptWaveForm(buffer, n)) utterance.accept(recognizer.getResult(), fed / (double) SAMPLE_RATE);
            n = 0;
        }
    }

    /** Loads the model now (0.7 s), not at the first job's recognition: a service calls it as it starts. */
    public void warm() {
        model();
    }

    private synchronized Model model() {
        if (model == null) {
            LibVosk.setLogLevel(LogLevel.WARNINGS); // Kaldi's INFO lines would go to stderr on every model load
            try {
                model = new Model(modelDir.toString());
            } catch (IOException e) {
                throw new IllegalStateException("Vosk cannot load the model in " + modelDir + ": " + e.getMessage(), e);
            }
        }
        return model;
    }

    @Override
    public synchronized void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
