package io.lipdrop.lipsync.asr;

import edu.cmu.sphinx.api.Configuration;
import edu.cmu.sphinx.frontend.Data;
import edu.cmu.sphinx.frontend.DataBlocker;
import edu.cmu.sphinx.frontend.DataEndSignal;
import edu.cmu.sphinx.frontend.DataProcessor;
import edu.cmu.sphinx.frontend.FloatData;
import edu.cmu.sphinx.frontend.FrontEnd;
import edu.cmu.sphinx.frontend.AutoCepstrum;
import edu.cmu.sphinx.frontend.feature.DeltasFeatureExtractor;
import edu.cmu.sphinx.frontend.feature.FeatureTransform;
import edu.cmu.sphinx.frontend.feature.LiveCMN;
import edu.cmu.sphinx.frontend.filter.Preemphasizer;
import edu.cmu.sphinx.frontend.transform.DiscreteFourierTransform;
import edu.cmu.sphinx.frontend.util.StreamDataSource;
import edu.cmu.sphinx.frontend.window.RaisedCosineWindower;
import edu.cmu.sphinx.linguist.acoustic.AcousticModel;
import edu.cmu.sphinx.linguist.acoustic.HMM;
import edu.cmu.sphinx.linguist.acoustic.HMMPosition;
import edu.cmu.sphinx.linguist.acoustic.HMMState;
import edu.cmu.sphinx.linguist.acoustic.HMMStateArc;
import edu.cmu.sphinx.linguist.acoustic.UnitManager;
import edu.cmu.sphinx.linguist.acoustic.tiedstate.Loader;
import edu.cmu.sphinx.linguist.acoustic.tiedstate.TiedStateAcousticModel;
import edu.cmu.sphinx.util.LogMath;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.SampleSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The phonemes of a job's speech and their times, from CMU Sphinx's trained US English acoustic model (context-free
 * phoneme HMMs, three states each, scored on Sphinx's own MFCC front end): inside each word the speech recogniser
 * heard, the word's dictionary phonemes are placed by a forced alignment (Viterbi) within the word's time; elsewhere,
 * and where a word's phonemes fit the audio much worse than free phoneme recognition does there (a word misheard, as
 * "obama" for a train of "pa ba ma"), a phoneme loop says what was said. The lips need the phoneme boundaries more
 * than the words: the closure of a p, b or m, the rounding of an "oo".
 * <p>
 * A job's alignment runs beside its recognition, on the same decoded samples ({@link Session}): the audio is read in
 * windows of {@link #WINDOW_FRAMES} frames cut at the quietest frame outside any word, each aligned as soon as the
 * recogniser's words over it are final, so the mouths can follow a few seconds behind the recogniser and memory follows
 * the window, not the audio's length. The model is loaded once (1.3 s, about 40 MB) and shared; its senones cache
 * their last score, so windows take turns on it (jobs' windows interleave).
 */
public final class PhoneAligner {
    /** The phonemes the loop chooses from: the dictionary's 39 and silence. */
    static final List<String> PHONES = List.of("SIL", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY",
            "F", "G", "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW",
            "V", "W", "Y", "Z", "ZH");
    static final double FRAME_SECONDS = 0.01;
    /**
     * 4 s of frames a window: its phonemes are published when it is aligned, so the photo warp's frames wait for the
     * window around them, not for the whole speech; features, scores and back pointers take about 2.5 MB. Frames are held
     * beyond it only until the recogniser ends the utterance over them.
     */
    static final int WINDOW_FRAMES = 400;
    /** The cut is sought in the window's last 1.5 s. */
    static final int CUT_SEARCH = 150;
    /** Log probability (nats) of starting another phoneme in the loop: fewer, longer phonemes than the acoustics alone would give. */
    static final double PHONE_INSERTION = -10;
    /**
     * A word's phonemes are kept unless they score this much worse per frame (nats) than the phoneme loop over the same
     * frames. Measured: real words scored -1.3..+1.2 (a few short ones lower, left to the loop); "my" heard for "ba" -1.9,
     * "count" for "pa ba" -3.2.
     */
    static final double WORD_FIT = 1.5;
    /** Frames a word's alignment may reach beyond the recogniser's times, where no neighbour is. */
    static final int WORD_SLACK = 5;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PhoneAligner.class);
    /**
     * Sphinx logs through java.util.logging, each front-end processor under its class's simple name: their INFO lines
     * (each front end's set-up, its cepstral means every few seconds) went to stderr. Held here: java.util.logging keeps
     * loggers weakly, and a collected one forgets its level.
     */
    private static final List<java.util.logging.Logger> SPHINX_LOGS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(StreamDataSource.class, DataBlocker.class, Preemphasizer.class, RaisedCosineWindower.class,
                            DiscreteFourierTransform.class, AutoCepstrum.class, LiveCMN.class, DeltasFeatureExtractor.class,
                            FeatureTransform.class, FrontEnd.class).map(Class::getSimpleName),
                    // and the parent of the configured components' loggers (the model's loader, pools and unit manager),
                    // named by the config file: Sphinx sets its level from the config's logLevel but does not hold it, so a
                    // collection before the model loads gave 41 INFO lines (once picocli's allocations moved a GC there)
                    java.util.stream.Stream.of("phones.config"))
            .map(java.util.logging.Logger::getLogger).toList();
    private static final Map<Path, PhoneAligner> SHARED = new ConcurrentHashMap<>();

    private final Path modelDir;
    // loaded at the first alignment or warm(), under this object's lock (as every alignment runs)
    private Loader loader;
    private Pronunciations dictionary;
    private final LogMath logMath = LogMath.getLogMath();
    /** Per phoneme of {@link #PHONES}: its three emitting states, their self-loop and onward log probabilities (nats). */
    private HMMState[][] states;
    /** Increases with every frame scored, across alignments (see {@link Windows#decode}). */
    private long frameClock;
    private double[][] stay, onward;

    private PhoneAligner(Path modelDir) {
        this.modelDir = modelDir;
    }

    /** Loads the model now (1.3 s, about 40 MB), not at the first job's alignment: a service calls it as it starts. */
    public synchronized void warm() {
        if (states != null) return;
        SPHINX_LOGS.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        try {
            Configuration c = new Configuration();
            c.setAcousticModelPath(modelDir.resolve("en-us").toUri().toString());
            c.setDictionaryPath(modelDir.resolve("cmudict-en-us.dict").toUri().toString());
            edu.cmu.sphinx.api.Context context = new edu.cmu.sphinx.api.Context(
                    PhoneAligner.class.getResource("phones.config.xml").toString(), c);
            AcousticModel model = context.getInstance(TiedStateAcousticModel.class);
            model.allocate();
            this.loader = context.getLoader();
            UnitManager units = context.getInstance(UnitManager.class);
            int n = PHONES.size();
            HMMState[][] states = new HMMState[n][3];
            stay = new double[n][3];
            onward = new double[n][3];
            for (int p = 0; p < n; p++) {
                String name = PHONES.get(p);
                HMM hmm = model.lookupNearestHMM(units.getUnit(name, name.equals("SIL")), HMMPosition.UNDEFINED, false);
                for (int s = 0; s < 3; s++) {
                    states[p][s] = hmm.getState(s);
                    stay[p][s] = onward[p][s] = Double.NEGATIVE_INFINITY;
                    for (HMMStateArc arc : hmm.getState(s).getSuccessors()) {
                        double lp = logMath.logToLn(arc.getLogProbability());
                        if (arc.getHMMState().getState() == s) stay[p][s] = lp;
                        else onward[p][s] = Math.max(onward[p][s], lp);
                    }
                }
            }
            this.dictionary = Pronunciations.read(modelDir.resolve("cmudict-en-us.dict"));
            this.states = states; // last: a model that failed to load is tried again
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the acoustic model in " + modelDir, e);
        }
    }

    /** The aligner on a verified phoneme model, one per model folder in the JVM (loaded at the first use). */
    public static PhoneAligner of(SpeechModel verified) {
        Path dir = verified.dir().orElseThrow().toAbsolutePath().normalize();
        return SHARED.computeIfAbsent(dir, PhoneAligner::new);
    }

    public String name() {
        return "sphinx4-en-us";
    }

    /**
     * The phonemes of {@code audio}, those of the words {@code recogniser} heard (in time order) where they fit: the
     * audio decoded again and aligned with all the words known (the benchmark's and the tests' way; a job aligns as it
     * recognises, {@link #session}).
     * @param cancelled asked between windows: when true, the alignment stops with a {@link CancellationException}
     */
    public PhoneTiming align(Path audio, Transcript heard, String recogniser, BooleanSupplier cancelled) {
        Session s = session(recogniser, cancelled);
        s.heard(heard.words(), Double.POSITIVE_INFINITY);
        long samples;
        try {
            samples = new AudioDecoder().stream(audio, s);
        } catch (RuntimeException e) {
            s.abandon();
            throw e;
        }
        return s.finish(samples);
    }

    /**
     * One audio's alignment while it is recognised: feed it the samples as they are decoded ({@link Session#accept})
     * and each utterance's words as the recogniser ends it ({@link Session#heard}); its phonemes appear a window at a
     * time ({@link Session#phonesUpTo}) as soon as the words over that window are final, and {@link Session#finish}
     * gives them all. Sphinx's front end reads the samples on a thread of its own.
     */
    public Session session(String recogniser, BooleanSupplier cancelled) {
        warm();
        return new Session(recogniser, cancelled);
    }

    /** See {@link #session}. The samples come from one thread (the recogniser's), the phonemes are read from any. */
    public final class Session implements SampleSink, SpeechRecognizer.Utterances {
        private final String recogniser;
        private final PipedOutputStream pipe;
        private final Pcm16 pcm;
        private final Thread thread;
        private final long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        private final Windows windows;
        // what the two threads share, under this session's lock
        // append-only, in time order (ends too): a window reads a view, never a copy
        private final List<Word> words = new java.util.concurrent.CopyOnWriteArrayList<>();
        private double finalUpTo;           // the words are final up to here (seconds); infinite once all are heard
        // append-only: a reader's view stays valid while windows are added (a window's phonemes start after the last's)
        private final List<Phone> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        private double knownUpTo;           // the phonemes are known up to here (seconds)
        private boolean done;
        private Throwable failed;
        private long cpuNanos;

        private Session(String recogniser, BooleanSupplier cancelled) {
            this.recogniser = recogniser;
            this.windows = new Windows(this, cancelled);
            PipedInputStream in = new PipedInputStream(64 * 1024);
            try {
                this.pipe = new PipedOutputStream(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.pcm = new Pcm16(pipe);
            this.thread = new Thread(() -> read(in), "lipdrop-phonemes");
            thread.setDaemon(true);
            thread.start();
        }

        private void read(PipedInputStream in) {
            long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            try (in) {
                FrontEnd frontEnd = frontEnd(in);
                for (Data d; !((d = frontEnd.getData()) instanceof DataEndSignal) && d != null; ) {
                    if (d instanceof FloatData f) windows.add(f.getValues());
                }
                awaitAllWords();
                windows.finish();
            } catch (Throwable e) {
                synchronized (this) {
                    failed = e;
                }
            } finally {
                synchronized (this) {
                    done = true;
                    cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
                    notifyAll();
                }
            }
        }

        @Override
        public void accept(float[] samples, int from, int to) {
            synchronized (this) {
                if (failed != null) return; // the aligner stopped: the recogniser goes on without it
            }
            try {
                pcm.accept(samples, from, to);
            } catch (UncheckedIOException e) {
                synchronized (this) {
                    if (failed == null) failed = e;
                }
            }
        }

        /** An utterance's final words (in time order, after those given before); no word still to come starts before {@code upTo}. */
        @Override
        public synchronized void heard(List<Word> utterance, double upTo) {
            words.addAll(utterance);
            finalUpTo = Math.max(finalUpTo, upTo);
            for (Word w : utterance) finalUpTo = Math.max(finalUpTo, w.end());
            notifyAll();
        }

        /** The final words so far, a view that grows (a word added later starts after {@link #finalUpTo}). */
        List<Word> words() {
            return java.util.Collections.unmodifiableList(words);
        }

        synchronized double finalUpTo() {
            return finalUpTo;
        }

        private synchronized void awaitAllWords() throws InterruptedException {
            while (finalUpTo != Double.POSITIVE_INFINITY) wait();
        }

        synchronized void publish(List<Phone> phones, double upTo) {
            published.addAll(phones);
            knownUpTo = upTo;
            notifyAll();
        }

        /**
         * The phonemes known so far, once they reach {@code seconds} (or are all there will be); empty when the
         * alignment failed.
         */
        public synchronized Optional<List<Phone>> phonesUpTo(double seconds) throws InterruptedException {
            while (!done && knownUpTo < seconds) wait();
            return failed != null ? Optional.empty() : Optional.of(java.util.Collections.unmodifiableList(published));
        }

        /** All words are heard and all samples given ({@code samples} of them): the phonemes, when the last window is aligned. */
        public PhoneTiming finish(long samples) {
            try {
                pipe.close();
            } catch (IOException e) {
                synchronized (this) {
                    if (failed == null) failed = e;
                }
            }
            synchronized (this) {
                finalUpTo = Double.POSITIVE_INFINITY;
                notifyAll();
            }
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
            synchronized (this) {
                if (failed instanceof RuntimeException r) throw r;
                if (failed instanceof Error r) throw r;
                if (failed != null) throw new IllegalStateException(failed);
                return new PhoneTiming(recogniser, name(), published, windows.aligned, windows.rejected, samples / 16000.0,
                        (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0 + cpuNanos) / 1e9);
            }
        }

        /** The audio could not be read: the aligner's thread stops. */
        public void abandon() {
            try {
                pipe.close();
            } catch (IOException ignored) {
                // the reader sees the end either way
            }
            synchronized (this) {
                finalUpTo = Double.POSITIVE_INFINITY;
                notifyAll();
            }
        }
    }

    /** Sphinx's front end as the model was trained (feat.params: 25 filters 130-6800 Hz, 13 cepstra, live CMN, deltas), new per audio. */
    private FrontEnd frontEnd(InputStream pcm) throws IOException {
        StreamDataSource source = new StreamDataSource(16000, 3200, 16, false, true);
        source.setInputStream(pcm);
        List<DataProcessor> pipeline = List.of(source, new DataBlocker(10), new Preemphasizer(0.97),
                new RaisedCosineWindower(0.46, 25.625f, 10f), new DiscreteFourierTransform(-1, false), new AutoCepstrum(loader),
                new LiveCMN(12.0, 100, 160, 200), new DeltasFeatureExtractor(3), new FeatureTransform(loader));
        FrontEnd fe = new FrontEnd(pipeline);
        fe.initialize();
        return fe;
    }

    /**
     * 16-bit little-endian PCM of the decoder's float samples, with a dither of one step: digital silence (exact zeros,
     * as between synthesized or edited sentences) has no spectrum the model knows, and the phoneme loop heard "ZH" in
     * it; with the dither it hears silence. Seeded, so an audio always gives the same phonemes.
     */
    private static final class Pcm16 implements SampleSink {
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private final java.util.SplittableRandom dither = new java.util.SplittableRandom(20261206);
        private int n;

        Pcm16(OutputStream out) { this.out = out; }

        @Override
        public void accept(float[] samples, int from, int to) {
            try {
                for (int i = from; i < to; i++) {
                    int v = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767f) + dither.nextInt(-1, 2)));
                    buffer[n++] = (byte) v;
                    buffer[n++] = (byte) (v >> 8);
                    if (n == buffer.length) {
                        out.write(buffer, 0, n);
                        n = 0;
                    }
                }
                out.write(buffer, 0, n);
                n = 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Collects feature frames and aligns them a window at a time, each as soon as the words over it are final (a window
     * never waits for more samples than Vosk needs to end an utterance: the recogniser's thread is never held up).
     */
    private final class Windows {
        final Session session;
        final BooleanSupplier cancelled;
        final List<float[]> frames = new ArrayList<>();
        List<Word> words = List.of();  // the session's final words, as of this window's decode
        int offset; // the first held frame's index in the audio
        int aligned, rejected;

        Windows(Session session, BooleanSupplier cancelled) {
            this.session = session;
            this.cancelled = cancelled;
        }

        void add(float[] f) {
            frames.add(f);
            // a full window is aligned once every word its alignment reads is final (they may come an utterance later:
            // frames are held), so a window aligned while the words are heard is the one aligned after
            while (frames.size() >= WINDOW_FRAMES && wordsFinal()) {
                if (cancelled.getAsBoolean()) throw new CancellationException("alignment cancelled");
                int cut = cut();
                decode(cut);
                frames.subList(0, cut).clear();
                offset += cut;
            }
        }

        /**
         * Whether the words the window's alignment reads are all final: those over it, and the next word after each of
         * them where it may start within {@link #WORD_SLACK} frames (every word starting before the session's
         * {@code finalUpTo} is known). Sets {@link #words} when they are.
         */
        boolean wordsFinal() {
            double end = (offset + WINDOW_FRAMES) * FRAME_SECONDS, need = end, heard = session.finalUpTo();
            if (heard < end) return false;
            List<Word> known = session.words();
            // the last word over the window ends last (ends rise): only the words after the window are passed over
            for (int k = known.size() - 1; k >= 0; k--) {
                Word w = known.get(k);
                if ((w.start() + w.end()) / 2 < end) {
                    need = Math.max(need, w.end() + WORD_SLACK * FRAME_SECONDS);
                    break;
                }
            }
            if (heard < need) return false;
            words = known;
            return true;
        }

        /** Every word is heard and every frame read: the rest, a window at a time. */
        void finish() {
            words = session.words();
            while (frames.size() > WINDOW_FRAMES) {
                int cut = cut();
                decode(cut);
                frames.subList(0, cut).clear();
                offset += cut;
            }
            if (!frames.isEmpty()) decode(frames.size());
            offset += frames.size();
            frames.clear();
            session.publish(List.of(), Double.POSITIVE_INFINITY);
        }

        /** The quietest frame (lowest c0) of the window's last {@link #CUT_SEARCH} that no word covers; the quietest of all when every one is. */
        int cut() {
            int best = -1, quietest = -1;
            for (int i = WINDOW_FRAMES - CUT_SEARCH; i < WINDOW_FRAMES; i++) {
                if (quietest < 0 || frames.get(i)[0] < frames.get(quietest)[0]) quietest = i;
                if (!insideWord(offset + i) && (best < 0 || frames.get(i)[0] < frames.get(best)[0])) best = i;
            }
            return best >= 0 ? best : quietest;
        }

        boolean insideWord(int frame) {
            double t = frame * FRAME_SECONDS;
            int i = firstEndingAfter(words, t);
            return i < words.size() && words.get(i).start() <= t;
        }

        /** Aligns frames [0, n) of the window. */
        void decode(int n) {
            int total = PHONES.size() * 3;
            float[][] score = new float[n][total];
            synchronized (PhoneAligner.this) { // the model's senones cache their last score: one window is scored at a time
                for (int t = 0; t < n; t++) {
                    // its top-Gaussian cache is keyed by a frame's first sample number: every frame scored gets its own
                    FloatData data = new FloatData(frames.get(t), 16000, frameClock += 160);
                    for (int p = 0; p < PHONES.size(); p++) {
                        for (int s = 0; s < 3; s++) score[t][p * 3 + s] = logMath.logToLn(states[p][s].getScore(data));
                    }
                }
            }
            Loop loop = loop(score, n);
            // the words inside this window, each aligned between its neighbours
            List<Phone> fromWords = new ArrayList<>();
            double windowStart = offset * FRAME_SECONDS, windowEnd = (offset + n) * FRAME_SECONDS;
            for (int i = firstEndingAfter(words, windowStart); i < words.size(); i++) {
                Word w = words.get(i);
                double mid = (w.start() + w.end()) / 2;
                if (mid >= windowEnd) break;
                if (mid < windowStart) continue;
                Optional<List<String>> pron = dictionary.of(w.text());
                if (pron.isEmpty()) {
                    rejected++;
                    continue;
                }
                int a = Math.max(0, (int) Math.round(w.start() / FRAME_SECONDS) - offset - WORD_SLACK);
                int b = Math.min(n, (int) Math.round(w.end() / FRAME_SECONDS) - offset + WORD_SLACK);
                if (i > 0) a = Math.max(a, (int) Math.round(words.get(i - 1).end() / FRAME_SECONDS) - offset);
                if (i + 1 < words.size()) b = Math.min(b, (int) Math.round(words.get(i + 1).start() / FRAME_SECONDS) - offset);
                if (b - a < 3 * pron.get().size()) a = Math.max(0, Math.min(a, b - 3 * pron.get().size()));
                if (b - a < 3 * pron.get().size()) {
                    rejected++;
                    continue;
                }
                Forced f = forced(score, a, b, pron.get());
                double fit = (f.score - (loop.cumulative[b] - loop.cumulative[a])) / (b - a);
                if (LOG.isDebugEnabled()) LOG.debug("word {} {}-{} s {}: fits {} nats a frame against the phoneme loop", w.text(),
                        w.start(), w.end(), pron.get(), String.format("%.2f", fit));
                if (fit < -WORD_FIT) {
                    rejected++;
                    continue;
                }
                aligned++;
                fromWords.addAll(f.phones);
            }
            merge(loop.phones, fromWords, n);
        }

        /** The loop's phonemes where no accepted word's phonemes are, those phonemes where they are: frames [0, n) known. */
        void merge(List<Phone> heard, List<Phone> fromWords, int n) {
            List<Phone> out = new ArrayList<>();
            int w = 0;
            for (Phone p : heard) {
                double start = p.start(), end = p.end();
                while (w < fromWords.size() && fromWords.get(w).end() <= start) out.add(fromWords.get(w++));
                // the part of the heard phoneme outside the words' span
                for (int k = w; k < fromWords.size() && fromWords.get(k).start() < end; k++) {
                    Phone f = fromWords.get(k);
                    if (f.start() > start) out.add(new Phone(p.name(), start, f.start(), false));
                    start = Math.max(start, f.end());
                }
                if (end > start + 1e-9) out.add(new Phone(p.name(), start, end, false));
            }
            while (w < fromWords.size()) out.add(fromWords.get(w++));
            out.sort(java.util.Comparator.comparingDouble(Phone::start));
            session.publish(out, (offset + n) * FRAME_SECONDS);
        }

        Phone phone(String name, int from, int to, boolean inWord) {
            return new Phone(name, (offset + from) * FRAME_SECONDS, (offset + to) * FRAME_SECONDS, inWord);
        }

        /** Free phoneme recognition over frames [0, n): the best path and its score up to each frame. */
        Loop loop(float[][] score, int n) {
            int P = PHONES.size(), S = P * 3;
            double[] v = new double[S], next = new double[S];
            int[][] back = new int[n][S];
            double[] cumulative = new double[n + 1];
            java.util.Arrays.fill(v, Double.NEGATIVE_INFINITY);
            for (int p = 0; p < P; p++) v[p * 3] = score[0][p * 3];
            cumulative[1] = max(v);
            for (int t = 1; t < n; t++) {
                double bestExit = Double.NEGATIVE_INFINITY;
                int from = -1;
                for (int p = 0; p < P; p++) {
                    double e = v[p * 3 + 2] + onward[p][2];
                    if (e > bestExit) { bestExit = e; from = p * 3 + 2; }
                }
                for (int s = 0; s < S; s++) {
                    int p = s / 3, k = s % 3;
                    double best = v[s] + stay[p][k];
                    int arg = s;
                    if (k > 0) {
                        double adv = v[s - 1] + onward[p][k - 1];
                        if (adv > best) { best = adv; arg = s - 1; }
                    } else if (bestExit + PHONE_INSERTION > best) {
                        best = bestExit + PHONE_INSERTION;
                        arg = from;
                    }
                    next[s] = best + score[t][s];
                    back[t][s] = arg;
                }
                double[] swap = v; v = next; next = swap;
                cumulative[t + 1] = max(v);
            }
            int end = 0;
            for (int p = 0; p < P; p++) if (v[p * 3 + 2] > v[end]) end = p * 3 + 2;
            int[] path = path(back, end, n);
            List<Phone> out = new ArrayList<>();
            int start = 0;
            for (int t = 1; t <= n; t++) {
                boolean newPhone = t == n || path[t] / 3 != path[t - 1] / 3 || (path[t] % 3 == 0 && path[t - 1] % 3 == 2);
                if (newPhone) {
                    out.add(phone(PHONES.get(path[start] / 3), start, t, false));
                    start = t;
                }
            }
            return new Loop(out, cumulative);
        }

        /**
         * The word's phonemes forced onto frames [a, b), with an optional silence before and after: the best path's
         * score and its phonemes (silences left out).
         */
        Forced forced(float[][] score, int a, int b, List<String> pron) {
            List<Integer> seq = new ArrayList<>();
            seq.add(0);
            for (String ph : pron) seq.add(PHONES.indexOf(ph));
            seq.add(0);
            int S = seq.size() * 3, n = b - a;
            double[] v = new double[S], next = new double[S];
            int[][] back = new int[n][S];
            java.util.Arrays.fill(v, Double.NEGATIVE_INFINITY);
            v[0] = score[a][0];
            v[3] = score[a][seq.get(1) * 3];
            for (int t = 1; t < n; t++) {
                for (int s = 0; s < S; s++) {
                    int u = s / 3, k = s % 3, p = seq.get(u);
                    double best = v[s] + stay[p][k];
                    int arg = s;
                    if (s > 0) {
                        int pu = seq.get((s - 1) / 3);
                        double adv = v[s - 1] + onward[pu][(s - 1) % 3];
                        if (adv > best) { best = adv; arg = s - 1; }
                    }
                    next[s] = best + score[a + t][p * 3 + k];
                    back[t][s] = arg;
                }
                double[] swap = v; v = next; next = swap;
            }
            int end = v[S - 1] > v[S - 4] ? S - 1 : S - 4;
            int[] path = path(back, end, n);
            List<Phone> out = new ArrayList<>();
            int start = 0;
            for (int t = 1; t <= n; t++) {
                if (t == n || path[t] / 3 != path[t - 1] / 3) {
                    int u = path[start] / 3;
                    if (u != 0 && u != seq.size() - 1) out.add(phone(PHONES.get(seq.get(u)), a + start, a + t, true));
                    start = t;
                }
            }
            return new Forced(v[end], out);
        }
    }

    /** The first of {@code words} (in time order: their ends rise) that ends after {@code t}; their count when none does. */
    static int firstEndingAfter(List<Word> words, double t) {
        int lo = 0, hi = words.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (words.get(mid).end() <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** The best path's state at each frame, traced back from {@code end} at the last frame. */
    private static int[] path(int[][] back, int end, int n) {
        int[] path = new int[n];
        for (int t = n - 1, s = end; t >= 0; t--) {
            path[t] = s;
            s = back[t][s];
        }
        return path;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    private record Loop(List<Phone> phones, double[] cumulative) {}

    private record Forced(double score, List<Phone> phones) {}

    @Override
    public String toString() {
        return "phoneme aligner on " + modelDir;
    }
}
