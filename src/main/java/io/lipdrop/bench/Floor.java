package io.lipdrop.bench;

import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.MelSpectrogram;
import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.video.SourceFrame;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.Timeline;
import io.lipdrop.lipsync.video.VideoEncoder;

import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor no lip-sync pipeline can beat: decode the template in timeline order and encode the same
 * number of frames with the same encoder and settings, muxing the same audio, with decoding and encoding
 * overlapped (as FFmpeg's own CLI does). Nothing else: no faces, no model, no blending.
 */
public final class Floor {
    private Floor() {}

    public static double run(Path audio, Path template, Path out, EngineSettings settings) throws Exception {
        MediaLibraries.init();
        long start = System.nanoTime();
        int samples = new AudioDecoder().decodeMono16k(audio).length; // the engine reads the audio too
        try (TemplateSource source = new TemplateSource(template, settings.reverseChunk());
             VideoEncoder encoder = new VideoEncoder(out, audio, source.width(), source.height(), source.fps(),
                     settings.videoBitrate(), settings.encoders())) {
            int total = Timeline.outputFrames(samples, MelSpectrogram.SAMPLE_RATE, source.fps());
            BlockingQueue<SourceFrame> q = new ArrayBlockingQueue<>(settings.queueFrames());
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread decoder = new Thread(() -> {
                try {
                    for (int i = 0; i < total; i++) q.put(source.next(i));
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "floor-decode");
            decoder.start();
            for (int i = 0; i < total; i++) {
                SourceFrame f = null;
                while (f == null) {
                    if (failure.get() != null) throw failure.get();
                    f = q.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                encoder.write(f.picture);
                f.picture.close();
            }
            encoder.finish();
            decoder.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("floor: %d frames in %.2f s (%.1f frames/s), encoder %s%n", total, seconds, total / seconds,
                    encoder.encoderName());
            return seconds;
        }
    }
}
