package io.lipdrop.lipsync;

import io.lipdrop.lipsync.StageClock.Stage;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;
import io.lipdrop.lipsync.audio.Mel;
import io.lipdrop.lipsync.audio.MelSpectrogram;
import io.lipdrop.lipsync.face.FaceBox;
import io.lipdrop.lipsync.face.FaceObservation;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.Padding;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.mouth.LibraryWatch;
import io.lipdrop.lipsync.mouth.MouthMethod;
import io.lipdrop.lipsync.mouth.MouthTarget;
import io.lipdrop.lipsync.mouth.MouthTargets;
import io.lipdrop.lipsync.model.Wav2LipTranslator;
import io.lipdrop.lipsync.video.SourceFrame;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.Timeline;
import io.lipdrop.lipsync.video.VideoDecoding;
import io.lipdrop.lipsync.video.VideoEncoder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the presenter in a template video (or photo) say the audio. Four stages run concurrently, joined by
 * bounded queues so the frames in memory depend on the batch and queue sizes, never on the video's length:
 * decode (template frames in timeline order) -> detect (face, smoothed) -> infer (batched model call and blend,
 * or the template's own mouths) -> encode (H.264 + AAC). The model is busy while the encoder works on the
 * previous batch. Without a neural model the job is first made in one pass with the photo warp while the face
 * stage's landmarks tell whether the template talks; if it does, that pass stops at once and a sequential
 * pre-pass reads the template's mouths (the bounded mouth library) before the video is made again from them.
 * What grows with length is small bookkeeping: a few landmarks per template frame and a plan entry per output
 * frame. Several jobs may run on one engine at once ({@link #sync}).
 */
public final class LipSyncEngine {
    private static final Logger LOG = LoggerFactory.getLogger(LipSyncEngine.class);
    private static final Item END = new Item(null, null);

    /** Progress callback: frames written so far out of the total. */
    @FunctionalInterface
    public interface Progress { void update(int done, int total); }

    private final Wav2LipModel model;
    private final EngineSettings settings;
    private final FaceStages faces;
    private final VisemeClassifier visemes;
    private final MelSpectrogram melSpectrogram = new MelSpectrogram();
    private final AudioDecoder audioDecoder;

    /** With the OpenCV cascade the settings name (no trained face models). */
    public LipSyncEngine(Wav2LipModel model, EngineSettings settings) {
        this(model, settings, FaceStages.cascade(settings.cascade(), padding(settings), settings.smoothWindow(),
                settings.detectEvery(), settings.detectWidth()));
    }

    /** @param model a neural model, or null for LipDrop's own method (the template's mouths, or the photo warp) */
    public LipSyncEngine(Wav2LipModel model, EngineSettings settings, FaceStages faces) {
        this(model, settings, faces, null);
    }

    /** @param visemes the viseme classifier for LipDrop's own method; null: mouth targets from loudness alone */
    public LipSyncEngine(Wav2LipModel model, EngineSettings settings, FaceStages faces, VisemeClassifier visemes) {
        MediaLibraries.init();
        this.model = model;
        this.settings = settings;
        this.audioDecoder = new AudioDecoder(settings.maxAudioSeconds());
        this.faces = faces;
        this.visemes = visemes;
    }

    public static Padding padding(EngineSettings s) {
        return new Padding(s.padTop(), s.padBottom(), s.padLeft(), s.padRight());
    }

    public FaceStages faces() { return faces; }

    public Wav2LipModel model() { return model; }

    private record Item(SourceFrame frame, FaceObservation face) {}

    /**
     * Makes one video. Several jobs may run at once (lipdrop.jobs.workers): everything a job changes is its own
     * (decoder, face stage, translator, encoder, queues), the mel and the viseme features are computed in local
     * buffers, and a neural model serialises its inference calls.
     */
    public SyncResult sync(Path audioFile, Path templateFile, Path out, Progress progress) throws Exception {
        return sync(audioFile, templateFile, out, progress, HeardSpeech.NONE);
    }

    /** @param heard the speech's phoneme timing, when a recogniser works on it: LipDrop's own method's mouths follow it */
    public SyncResult sync(Path audioFile, Path templateFile, Path out, Progress progress, HeardSpeech heard) throws Exception {
        return sync(audioFile, templateFile, out, progress, heard, false);
    }

    /** @param burnCaptions draw the heard words into the picture ({@code captions: burn}) */
    public SyncResult sync(Path audioFile, Path templateFile, Path out, Progress progress, HeardSpeech heard,
                           boolean burnCaptions) throws Exception {
        Job job = new Job(audioFile, templateFile, out, progress);
        job.heard = heard;
        job.burnCaptions = burnCaptions;
        long t;
        if (model != null) {
            // the mel spectrogram is computed from the whole audio (bounded by lipdrop.jobs.max-audio-minutes)
            t = job.clock.start();
            float[] pcm = audioDecoder.decodeMono16k(audioFile);
            job.samples = pcm.length;
            job.clock.stop(Stage.MEL, t);
            return neural(job, pcm);
        }

        try (FaceStage faceStage = faces.everyFrame().open()) {
            MouthMethod.Pending targets;
            int total;
            // first the photo warp in a single pass, watching the template's mouths as the face stage measures them
            try (TemplateSource source = job.template()) {
                // the targets are computed while the audio is decoded: the speech is never held whole
                t = job.clock.start();
                MouthTargets.Builder speech = MouthTargets.builder(visemes, source.fps());
                job.samples = audioDecoder.stream(audioFile, speech);
                total = Timeline.outputFrames(job.samples, MelSpectrogram.SAMPLE_RATE, source.fps());
                job.clock.stop(Stage.MEL, t);
                targets = targets(speech, heard, total, job.clock);
                LibraryWatch watch = new LibraryWatch(settings.mouthLibrarySize());
                try (MouthMethod warp = MouthMethod.photoWarp(targets, watch)) {
                    return pass(job, source, faceStage, null, warp, watch);
                } catch (LibraryOffered offered) {
                    job.warpStoppedAt = offered.sourceIndex;
                    LOG.debug("{}: the template talks (its mouths offer a library by frame {}): reading them before making the video",
                            templateFile.getFileName(), offered.sourceIndex);
                }
            }
            // ...and when the template talks, its mouths are read first (a pre-pass) and the video is made again
            Files.deleteIfExists(out);
            t = job.clock.start();
            try (MouthMethod mouths = MouthMethod.prepare(job::template, faceStage, targets, total, settings.mouthLibrarySize())) {
                job.clock.stop(Stage.LIBRARY, t);
                try (TemplateSource source = job.template()) {
                    return pass(job, source, faceStage, null, mouths, null);
                }
            }
        }
    }

    /**
     * The job's mouth targets, asked for frame by frame, each as soon as the phonemes around it are heard (the
     * recogniser and the aligner go a window of a few seconds ahead): the photo warp's pass, and the mouth library's
     * plan, which settles as they come while the template's mouths were read meanwhile. The waits for the phonemes are
     * counted in the report's "speech" stage.
     */
    private static MouthMethod.Pending targets(MouthTargets.Builder speech, HeardSpeech heard, int total, StageClock clock) {
        MouthTargets.Prepared prepared = speech.prepare(total);
        return new MouthMethod.Pending() {
            private MouthTargets all;

            @Override
            public synchronized MouthTargets get() throws InterruptedException {
                if (all == null) {
                    long t = clock.start();
                    all = prepared.all(heard.timing());
                    clock.stop(Stage.SPEECH, t);
                }
                return all;
            }

            @Override
            public MouthTarget at(int i) throws InterruptedException {
                synchronized (this) {
                    if (all != null) return all.frames()[i];
                }
                long t = clock.start();
                MouthTarget target = prepared.at(i, heard.phonesUpTo(prepared.heardUpTo(i)));
                clock.stop(Stage.SPEECH, t);
                return target;
            }
        };
    }

    /** The method for the report, with how many times the template was read and where the photo warp's pass stopped. */
    private static Map<String, Object> describe(MouthMethod mouths, Job job) {
        Map<String, Object> d = new java.util.LinkedHashMap<>(mouths.describe());
        d.put("templatePasses", job.warpStoppedAt < 0 ? 1 : 2);
        if (job.warpStoppedAt >= 0) d.put("warpPassStoppedAtFrame", job.warpStoppedAt);
        return d;
    }

    /** What the passes of one job share. */
    private final class Job {
        final Path audioFile, templateFile, out;
        final Progress progress;
        final long started = System.nanoTime();
        final StageClock clock = new StageClock();
        long samples;
        HeardSpeech heard = HeardSpeech.NONE;
        boolean burnCaptions;
        int warpStoppedAt = -1;  // the source frame where the photo warp's pass saw enough mouths, -1: it did not stop
        private int reported;    // the most frames reported done

        Job(Path audioFile, Path templateFile, Path out, Progress progress) {
            this.audioFile = audioFile;
            this.templateFile = templateFile;
            this.out = out;
            this.progress = progress;
        }

        /**
         * Progress never goes back: a talking template's video is made again after the photo warp's pass stopped
         * (a few frames in), and the page keeps showing those frames until the second pass passes them.
         */
        void progress(int done, int total) {
            if (progress == null || done <= reported) return;
            reported = done;
            progress.update(done, total);
        }

        /** Every pass sees the same geometry (turned upright, scaled to fit). */
        TemplateSource template() {
            return new TemplateSource(templateFile, settings.reverseChunk(), VideoEncoder.frameLimit(settings.encoders()),
                    VideoDecoding.AUTO, settings.codecThreads());
        }
    }

    /** The photo warp's pass stops: the template's mouths offer a library. A signal, not an error: no stack. */
    private static final class LibraryOffered extends RuntimeException {
        final int sourceIndex;

        LibraryOffered(int sourceIndex) {
            super("the template's mouths offer a library", null, false, false);
            this.sourceIndex = sourceIndex;
        }
    }

    private SyncResult neural(Job job, float[] pcm) throws Exception {
        // the mel is computed while the first frames are decoded and detected
        CompletableFuture<Mel> melFuture = CompletableFuture.supplyAsync(() -> {
            long m = job.clock.start();
            Mel computed = melSpectrogram.compute(pcm);
            job.clock.stop(Stage.MEL, m);
            return computed;
        });
        try (TemplateSource source = job.template(); FaceStage faceStage = faces.open();
             Wav2LipTranslator translator = new Wav2LipTranslator(model.contract().faceSize())) {
            return pass(job, source, faceStage, new Neural(melFuture, translator), null, null);
        }
    }

    private record Neural(CompletableFuture<Mel> mel, Wav2LipTranslator translator) {}

    /**
     * One pass over the timeline: decode, detect, the model or LipDrop's own method, encode.
     * @param watch during the photo warp's pass, what stops it ({@link LibraryOffered}) when the template talks
     */
    private SyncResult pass(Job job, TemplateSource source, FaceStage faceStage, Neural neural, MouthMethod mouths,
                            LibraryWatch watch) throws Exception {
        StageClock clock = job.clock;
        Path templateFile = job.templateFile;
        try (VideoEncoder encoder = new VideoEncoder(job.out, job.audioFile, templateFile, source.width(), source.height(), source.fps(),
                settings.videoBitrate(), settings.encoders(), settings.codecThreads())) {
            double fps = source.fps();
            int total = Timeline.outputFrames(job.samples, MelSpectrogram.SAMPLE_RATE, fps);
            LOG.debug("{}: {} frames at {} fps, {}x{}", templateFile.getFileName(), total, fps, source.width(), source.height());

            BlockingQueue<SourceFrame> decoded = new ArrayBlockingQueue<>(settings.queueFrames());
            BlockingQueue<Item> located = new ArrayBlockingQueue<>(settings.queueFrames() + settings.smoothWindow());
            BlockingQueue<Item> finished = new ArrayBlockingQueue<>(settings.queueFrames() + settings.batchSize());
            FaceStats stats = new FaceStats();
            StagePipeline pipeline = new StagePipeline(templateFile.getFileName().toString());

            pipeline.start("decode", () -> {
                for (int i = 0; i < total; i++) {
                    long s = clock.start();
                    SourceFrame f = source.next(i);
                    f.sourceFramesKnown = source.sourceFramesKnown();
                    clock.stop(Stage.DECODE, s);
                    pipeline.put(decoded, f);
                }
                pipeline.put(decoded, new SourceFrame(-1, -1, null));
            });
            pipeline.start("detect", () -> detectStage(templateFile, faceStage, watch, decoded, located, clock, pipeline));
            if (neural != null) {
                pipeline.start("infer", () -> inferStage(neural.mel().join(), fps, neural.translator(), located, finished, clock, pipeline, stats));
            } else {
                pipeline.start("mouths", () -> mouthStage(mouths, located, finished, clock, pipeline, stats));
            }

            io.lipdrop.lipsync.captions.CaptionBurner burner = null;
            try {
                int written = 0;
                for (Item item; (item = pipeline.take(finished)) != END; ) {
                    long s = clock.start();
                    if (job.burnCaptions) {
                        // the words are known by the first frame the encoder takes (the mouths waited for them too)
                        if (burner == null) burner = new io.lipdrop.lipsync.captions.CaptionBurner(source.width(), source.height(),
                                io.lipdrop.lipsync.captions.Captions.cues(job.heard.words()));
                        burner.draw(item.frame.outputIndex / fps, item.frame.picture);
                    }
                    encoder.write(item.frame.picture);
                    item.frame.picture.close();
                    clock.stop(Stage.ENCODE, s);
                    written++;
                    job.progress(written, total);
                }
                long s = clock.start();
                encoder.finish();
                clock.stop(Stage.ENCODE, s);
            } catch (java.util.concurrent.CancellationException e) {
                // a stage failed: its exception is thrown below
            } catch (Exception | Error e) {
                pipeline.fail(e);
            } finally {
                pipeline.stop();
                pipeline.join();
                if (burner != null) burner.close();
            }
            pipeline.rethrowFailure();

            double wall = (System.nanoTime() - job.started) / 1e9;
            FaceStages used = neural != null ? faces : faces.everyFrame();
            return new SyncResult(total, stats.withFace, source.width(), source.height(), fps, job.samples / (double) MelSpectrogram.SAMPLE_RATE,
                    neural != null ? model.name() : mouths.name(), neural != null ? model.provider().label() : "cpu", encoder.encoderName(), wall,
                    clock.secondsByStage(), new SyncResult.FaceReport(faces.label(), used.describe(), faceStage.refused(), stats.jitter()),
                    neural != null ? Map.of("name", model.name()) : describe(mouths, job),
                    new SyncResult.Geometry(source.sourceWidth(), source.sourceHeight(), source.rotation(), source.scaled()));
        }
    }

    private void detectStage(Path templateFile, FaceStage faceStage, LibraryWatch watch, BlockingQueue<SourceFrame> in,
                             BlockingQueue<Item> out, StageClock clock, StagePipeline pipeline) throws InterruptedException {
        Deque<SourceFrame> pending = new ArrayDeque<>();
        int w = -1, h = -1, observed = 0;
        for (SourceFrame f; (f = pipeline.take(in)).picture != null; ) {
            w = f.picture.width();
            h = f.picture.height();
            observed = Math.max(observed, f.sourceIndex + 1);
            if (!faceStage.hasObservation(f.sourceIndex)) {
                long s = clock.start();
                faceStage.observe(f.sourceIndex, f.picture);
                clock.stop(Stage.DETECT, s);
                if (watch != null) {
                    watch.see(f.sourceIndex, faceStage.measured(f.sourceIndex));
                    if (watch.offersLibrary()) throw new LibraryOffered(f.sourceIndex);
                }
            }
            if (f.sourceFramesKnown >= 0) {
                faceStage.end(f.sourceFramesKnown);
                if (!faceStage.anyFace()) throw noFace(templateFile, f.sourceFramesKnown, faceStage.refused());
            }
            pending.add(f);
            while (!pending.isEmpty() && faceStage.isSettled(pending.peek().sourceIndex)) {
                SourceFrame p = pending.poll();
                pipeline.put(out, new Item(p, faceStage.face(p.sourceIndex, w, h).orElse(null)));
            }
        }
        // the timeline ended before the template did (audio shorter than the video): what was seen is all there is
        if (!faceStage.anyFace()) throw noFace(templateFile, observed, faceStage.refused());
        faceStage.end(observed);
        while (!pending.isEmpty()) {
            SourceFrame p = pending.poll();
            pipeline.put(out, new Item(p, faceStage.face(p.sourceIndex, w, h).orElse(null)));
        }
        pipeline.put(out, END);
    }

    private static UnusableInputException noFace(Path file, int frames, int refused) {
        String where = frames == 1 ? "no face was found in the picture" : "no face was found in any of its " + frames + " frames";
        if (refused > 0) where += " (" + refused + " face-like region" + (refused == 1 ? " was" : "s were") + " checked and refused)";
        return new UnusableInputException(file, where,
                "Use a template that shows the presenter's face: turned no more than about 45 degrees, not covered, "
                        + "and at least 1/20 of the frame wide.");
    }

    /** Frames with a face and the mouth centre's frame-to-frame movement, over the output in order. */
    private static final class FaceStats {
        int withFace;
        double movement;
        int steps;
        double lastX = Double.NaN, lastY;

        void add(FaceObservation face) {
            if (face == null || !face.hasLandmarks()) {
                if (face != null) withFace++;
                lastX = Double.NaN;
                return;
            }
            withFace++;
            double x = face.shape().mouthCenterX(), y = face.shape().mouthCenterY();
            if (!Double.isNaN(lastX)) {
                movement += Math.hypot(x - lastX, y - lastY);
                steps++;
            }
            lastX = x;
            lastY = y;
        }

        /** Mean movement in pixels per frame, NaN without landmarks. */
        double jitter() { return steps == 0 ? Double.NaN : movement / steps; }
    }

    /** The presenter's own mouths (or the photo warp) in place of a model: one frame at a time, no batching needed. */
    private void mouthStage(MouthMethod mouths, BlockingQueue<Item> in, BlockingQueue<Item> out, StageClock clock,
                            StagePipeline pipeline, FaceStats stats) throws InterruptedException {
        for (Item item; (item = pipeline.take(in)) != END; ) {
            if (item.face != null && item.face.hasLandmarks()) {
                mouths.hear(item.frame.outputIndex); // the wait for the speech is the speech stage's, not blending
                long t = clock.start();
                mouths.render(item.frame.outputIndex, item.frame.picture, item.face.shape());
                clock.stop(Stage.BLEND, t);
            }
            stats.add(item.face);
            pipeline.put(out, item);
        }
        pipeline.put(out, END);
    }

    /** The frame in BGR where the model reads and pastes: its face box (the translator touches nothing else). */
    private static Mat bgrOfBox(Item item) {
        FaceBox b = item.face.box();
        return item.frame.picture.bgr(b.x1(), b.y1(), b.width(), b.height());
    }

    private void inferStage(Mel mel, double fps, Wav2LipTranslator translator, BlockingQueue<Item> in,
                            BlockingQueue<Item> out, StageClock clock, StagePipeline pipeline, FaceStats stats)
            throws InterruptedException {
        int batch = model.contract().fixedBatch() > 0 ? model.contract().fixedBatch() : settings.batchSize();
        int s = model.contract().faceSize();
        float[] melBatch = new float[batch * 80 * 16];
        float[] faces = new float[batch * 6 * s * s];
        float[] predicted = new float[batch * 3 * s * s];
        List<Item> group = new ArrayList<>(batch);
        boolean done = false;
        while (!done) {
            group.clear();
            int withBox = 0;
            while (withBox < batch) {
                Item item = pipeline.take(in);
                if (item == END) { done = true; break; }
                group.add(item);
                if (item.face != null) withBox++;
            }
            if (withBox > 0) {
                long t = clock.start();
                int slot = 0;
                for (Item item : group) {
                    if (item.face == null) continue;
                    mel.copyWindow(mel.windowStart(item.frame.outputIndex, fps), melBatch, slot * 80 * 16);
                    translator.faceInput(bgrOfBox(item), item.face.box(), faces, slot);
                    slot++;
                }
                clock.stop(Stage.BLEND, t);
                t = clock.start();
                model.infer(melBatch, faces, withBox, predicted);
                clock.stop(Stage.INFERENCE, t);
                t = clock.start();
                slot = 0;
                for (Item item : group) {
                    if (item.face == null) continue;
                    translator.paste(predicted, slot++, bgrOfBox(item), item.face);
                    int[] r = Wav2LipTranslator.pasteRegion(item.face);
                    item.frame.picture.changed(r[0], r[1], r[2], r[3]);
                }
                clock.stop(Stage.BLEND, t);
            }
            for (Item item : group) stats.add(item.face);
            for (Item item : group) pipeline.put(out, item);
        }
        pipeline.put(out, END);
    }
}
