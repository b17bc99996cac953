package io.lipdrop.lipsync;

import io.lipdrop.lipsync.StageClock.Stage;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.Mel;
import io.lipdrop.lipsync.audio.MelSpectrogram;
import io.lipdrop.lipsync.face.CascadeFaceDetector;
import io.lipdrop.lipsync.face.FaceBox;
import io.lipdrop.lipsync.face.FaceDetector;
import io.lipdrop.lipsync.face.FaceTrack;
import io.lipdrop.lipsync.model.Wav2LipModel;
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
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Makes the presenter in a template video (or photo) say the audio. Four stages run concurrently,
 * joined by bounded queues so memory depends on the batch and queue sizes, never on the video's length:
 * decode (template frames in timeline order) -> detect (face box, smoothed) -> infer (batched model call,
 * blend) -> encode (H.264 + AAC). The model is busy while the encoder works on the previous batch.
 * One engine runs one job at a time (it owns the model session).
 */
public final class LipSyncEngine {
    private static final Logger LOG = LoggerFactory.getLogger(LipSyncEngine.class);
    private static final Item END = new Item(null, null);

    /** Progress callback: frames written so far out of the total. */
    @FunctionalInterface
    public interface Progress { void update(int done, int total); }

    private final Wav2LipModel model;
    private final EngineSettings settings;
    private final Supplier<FaceDetector> detectors;
    private final MelSpectrogram melSpectrogram = new MelSpectrogram();
    private final AudioDecoder audioDecoder = new AudioDecoder();

    public LipSyncEngine(Wav2LipModel model, EngineSettings settings) {
        this(model, settings, () -> new CascadeFaceDetector(settings.cascade(), settings.detectWidth()));
    }

    public LipSyncEngine(Wav2LipModel model, EngineSettings settings, Supplier<FaceDetector> detectors) {
        MediaLibraries.init();
        this.model = model;
        this.settings = settings;
        this.detectors = detectors;
    }

    public Wav2LipModel model() { return model; }

    private record Item(SourceFrame frame, FaceBox box) {}

    public synchronized SyncResult sync(Path audioFile, Path templateFile, Path out, Progress progress) throws Exception {
        long started = System.nanoTime();
        StageClock clock = new StageClock();

        long t = clock.start();
        float[] pcm = audioDecoder.decodeMono16k(audioFile);
        int samples = pcm.length; // the samples themselves are only needed for the mel
        clock.stop(Stage.MEL, t);
        // the mel is needed only by the model: compute it while the first frames are decoded and detected
        CompletableFuture<Mel> melFuture = CompletableFuture.supplyAsync(() -> {
            long m = clock.start();
            Mel computed = melSpectrogram.compute(pcm);
            clock.stop(Stage.MEL, m);
            return computed;
        });

        try (TemplateSource source = new TemplateSource(templateFile, settings.reverseChunk());
             VideoEncoder encoder = new VideoEncoder(out, audioFile, source.width(), source.height(), source.fps(),
                     settings.videoBitrate(), settings.encoders());
             FaceDetector detector = detectors.get();
             Wav2LipTranslator translator = new Wav2LipTranslator(model.contract().faceSize())) {
            double fps = source.fps();
            int total = Timeline.outputFrames(samples, MelSpectrogram.SAMPLE_RATE, fps);
            LOG.debug("{}: {} frames at {} fps, {}x{}", templateFile.getFileName(), total, fps, source.width(), source.height());

            BlockingQueue<SourceFrame> decoded = new ArrayBlockingQueue<>(settings.queueFrames());
            BlockingQueue<Item> located = new ArrayBlockingQueue<>(settings.queueFrames() + settings.smoothWindow());
            BlockingQueue<Item> finished = new ArrayBlockingQueue<>(settings.queueFrames() + settings.batchSize());
            int[] withFace = {0};
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
            pipeline.start("detect", () -> detectStage(templateFile, detector, decoded, located, clock, pipeline));
            pipeline.start("infer", () -> inferStage(melFuture.join(), fps, translator, located, finished, clock, pipeline, withFace));

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
            return new SyncResult(total, withFace[0], source.width(), source.height(), fps, samples / (double) MelSpectrogram.SAMPLE_RATE,
                    model.name(), model.provider().label(), encoder.encoderName(), wall, clock.secondsByStage());
        }
    }

    private void detectStage(Path templateFile, FaceDetector detector, BlockingQueue<SourceFrame> in,
                             BlockingQueue<Item> out, StageClock clock, StagePipeline pipeline) throws InterruptedException {
        int every = Math.max(1, settings.detectEvery());
        FaceTrack track = new FaceTrack(settings.smoothWindow(), every);
        Deque<SourceFrame> pending = new ArrayDeque<>();
        boolean anyFace = false;
        for (SourceFrame f; (f = pipeline.take(in)).image != null; ) {
            if (!track.hasDetection(f.sourceIndex)) {
                long s = clock.start();
                int w = f.image.cols(), h = f.image.rows();
                if (f.sourceIndex % every == 0) {
                    Optional<FaceBox> box = detector.detect(f.image)
                            .map(b -> b.padded(settings.padTop(), settings.padBottom(), settings.padLeft(), settings.padRight(), w, h));
                    anyFace |= box.isPresent();
                    track.record(f.sourceIndex, box);
                } else {
                    track.record(f.sourceIndex, Optional.empty()); // between detections: the window interpolates
                }
                clock.stop(Stage.DETECT, s);
            }
            if (f.sourceFramesKnown >= 0) {
                track.end(f.sourceFramesKnown);
                if (!anyFace) throw noFace(templateFile, f.sourceFramesKnown);
            }
            pending.add(f);
            while (!pending.isEmpty() && track.isSettled(pending.peek().sourceIndex)) {
                SourceFrame p = pending.poll();
                pipeline.put(out, new Item(p, track.smoothed(p.sourceIndex).orElse(null)));
            }
        }
        if (!anyFace) throw noFace(templateFile, track.detected());
        track.end(track.detected());
        while (!pending.isEmpty()) {
            SourceFrame p = pending.poll();
            pipeline.put(out, new Item(p, track.smoothed(p.sourceIndex).orElse(null)));
        }
        pipeline.put(out, END);
    }

    private static UnusableInputException noFace(Path file, int frames) {
        return new UnusableInputException(file, frames == 1 ? "no face was found in the picture"
                        : "no face was found in any of its " + frames + " frames",
                "Use a template where the presenter's face is frontal, well lit and at least 1/12 of the frame wide.");
    }

    private void inferStage(Mel mel, double fps, Wav2LipTranslator translator, BlockingQueue<Item> in,
                            BlockingQueue<Item> out, StageClock clock, StagePipeline pipeline, int[] withFace)
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
                if (item.box != null) withBox++;
            }
            if (withBox > 0) {
                long t = clock.start();
                int slot = 0;
                for (Item item : group) {
                    if (item.box == null) continue;
                    mel.copyWindow(mel.windowStart(item.frame.outputIndex, fps), melBatch, slot * 80 * 16);
                    translator.faceInput(item.frame.image, item.box, faces, slot);
                    slot++;
                }
                clock.stop(Stage.BLEND, t);
                t = clock.start();
                model.infer(melBatch, faces, withBox, predicted);
                clock.stop(Stage.INFERENCE, t);
                t = clock.start();
                slot = 0;
                for (Item item : group) {
                    if (item.box == null) continue;
                    translator.paste(predicted, slot++, item.frame.image, item.box);
                }
                clock.stop(Stage.BLEND, t);
                withFace[0] += withBox;
            }
            for (Item item : group) pipeline.put(out, item);
        }
        pipeline.put(out, END);
    }
}
