package io.lipdrop.lipsync;

import io.lipdrop.lipsync.StageClock.Stage;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;
import io.lipdrop.lipsync.audio.Mel;
import io.lipdrop.lipsync.audio.MelSpectrogram;
import io.lipdrop.lipsync.face.FaceObservation;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.Padding;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.mouth.MouthMethod;
import io.lipdrop.lipsync.model.Wav2LipTranslator;
import io.lipdrop.lipsync.video.SourceFrame;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.Timeline;
import io.lipdrop.lipsync.video.VideoEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * previous batch. Without a neural model a sequential pre-pass first reads the template once (the face stage
 * and the bounded mouth library); what grows with length is small bookkeeping: a few landmarks per template
 * frame and a plan entry per output frame. One engine runs one job at a time (it owns the model session).
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
    private final AudioDecoder audioDecoder = new AudioDecoder();

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
        long started = System.nanoTime();
        StageClock clock = new StageClock();

        long t = clock.start();
        float[] pcm = audioDecoder.decodeMono16k(audioFile);
        int samples = pcm.length;
        clock.stop(Stage.MEL, t);
        boolean neural = model != null;
        // the mel is needed only by a neural model: compute it while the first frames are decoded and detected
        CompletableFuture<Mel> melFuture = !neural ? null : CompletableFuture.supplyAsync(() -> {
            long m = clock.start();
            Mel computed = melSpectrogram.compute(pcm);
            clock.stop(Stage.MEL, m);
            return computed;
        });

        // the mouth library's pre-pass and the main decode see the same geometry (turned upright, scaled to fit)
        java.util.function.Supplier<TemplateSource> template = () -> new TemplateSource(templateFile, settings.reverseChunk(),
                VideoEncoder.frameLimit(settings.encoders()));
        try (TemplateSource source = template.get();
             VideoEncoder encoder = new VideoEncoder(out, audioFile, templateFile, source.width(), source.height(), source.fps(),
                     settings.videoBitrate(), settings.encoders());
             FaceStage faceStage = (neural ? faces : faces.everyFrame()).open();
             Wav2LipTranslator translator = neural ? new Wav2LipTranslator(model.contract().faceSize()) : null;
             MouthMethod mouths = neural ? null : prepareMouths(template, faceStage, pcm, source.fps(), samples, clock)) {
            double fps = source.fps();
            int total = Timeline.outputFrames(samples, MelSpectrogram.SAMPLE_RATE, fps);
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
            pipeline.start("detect", () -> detectStage(templateFile, faceStage, decoded, located, clock, pipeline));
            if (neural) {
                pipeline.start("infer", () -> inferStage(melFuture.join(), fps, translator, located, finished, clock, pipeline, stats));
            } else {
                pipeline.start("mouths", () -> mouthStage(mouths, located, finished, clock, pipeline, stats));
            }

            try {
                int written = 0;
                for (Item item; (item = pipeline.take(finished)) != END; ) {
                    long s = clock.start();
                    encoder.write(item.frame.image);
                    item.frame.image.close();
                    clock.stop(Stage.ENCODE, s);
                    written++;
                    if (progress != null) progress.update(written, total);
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
            }
            pipeline.rethrowFailure();

            double wall = (System.nanoTime() - started) / 1e9;
            return new SyncResult(total, stats.withFace, source.width(), source.height(), fps, samples / (double) MelSpectrogram.SAMPLE_RATE,
                    neural ? model.name() : mouths.name(), neural ? model.provider().label() : "cpu", encoder.encoderName(), wall,
                    clock.secondsByStage(), new SyncResult.FaceReport(faces.label(), (neural ? faces : faces.everyFrame()).describe(), faceStage.refused(),
                    stats.jitter()),
                    neural ? Map.of("name", model.name()) : mouths.describe(),
                    new SyncResult.Geometry(source.sourceWidth(), source.sourceHeight(), source.rotation(), source.scaled()));
        }
    }

    private void detectStage(Path templateFile, FaceStage faceStage, BlockingQueue<SourceFrame> in,
                             BlockingQueue<Item> out, StageClock clock, StagePipeline pipeline) throws InterruptedException {
        Deque<SourceFrame> pending = new ArrayDeque<>();
        int w = -1, h = -1, observed = 0;
        for (SourceFrame f; (f = pipeline.take(in)).image != null; ) {
            w = f.image.cols();
            h = f.image.rows();
            observed = Math.max(observed, f.sourceIndex + 1);
            if (!faceStage.hasObservation(f.sourceIndex)) {
                long s = clock.start();
                faceStage.observe(f.sourceIndex, f.image);
                clock.stop(Stage.DETECT, s);
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

    private MouthMethod prepareMouths(java.util.function.Supplier<TemplateSource> template, FaceStage faceStage, float[] pcm,
                                      double fps, int samples, StageClock clock) throws Exception {
        long t = clock.start();
        MouthMethod m = MouthMethod.prepare(template, faceStage, pcm, fps, Timeline.outputFrames(samples, MelSpectrogram.SAMPLE_RATE, fps),
                settings.mouthLibrarySize(), visemes);
        clock.stop(Stage.LIBRARY, t);
        return m;
    }

    /** The presenter's own mouths (or the photo warp) in place of a model: one frame at a time, no batching needed. */
    private void mouthStage(MouthMethod mouths, BlockingQueue<Item> in, BlockingQueue<Item> out, StageClock clock,
                            StagePipeline pipeline, FaceStats stats) throws InterruptedException {
        for (Item item; (item = pipeline.take(in)) != END; ) {
            if (item.face != null && item.face.hasLandmarks()) {
                long t = clock.start();
                mouths.render(item.frame.outputIndex, item.frame.image, item.face.shape());
                clock.stop(Stage.BLEND, t);
            }
            stats.add(item.face);
            pipeline.put(out, item);
        }
        pipeline.put(out, END);
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
                    translator.faceInput(item.frame.image, item.face.box(), faces, slot);
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
                    translator.paste(predicted, slot++, item.frame.image, item.face);
                }
                clock.stop(Stage.BLEND, t);
            }
            for (Item item : group) stats.add(item.face);
            for (Item item : group) pipeline.put(out, item);
        }
        pipeline.put(out, END);
    }
}
