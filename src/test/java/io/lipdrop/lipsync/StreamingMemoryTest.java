package io.lipdrop.lipsync;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames are streamed: a video eight times longer must not need more native memory (frames live in
 * OpenCV/FFmpeg buffers outside the Java heap, so that is where holding a whole video would show).
 */
class StreamingMemoryTest {
    @TempDir Path dir;

    @Test
    void nativeMemoryStaysFlatWhenTheVideoGetsLonger() throws Exception {
        Path video = TestMedia.videoFromPhoto(Fixtures.copy("face_astronaut.png", dir), dir.resolve("t.mp4"), 640, 480, 3.0, 25);
        float[] speech = new AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", dir));
        Path shortAudio = TestMedia.wav(dir.resolve("short.wav"), speech, 1);
        Path longAudio = TestMedia.wav(dir.resolve("long.wav"), speech, 8);
        try (Wav2LipModel model = Wav2LipModel.load("default", DefaultModelGenerator.generate(), ProviderPreference.CPU, 2)) {
            LipSyncEngine engine = new LipSyncEngine(model, EngineSettings.defaults());
            // two warm-up runs: JIT, heap sizing and malloc arenas settle (they move the peak by ~50 MB)
            engine.sync(shortAudio, video, dir.resolve("warmup.mp4"), null);
            engine.sync(TestMedia.wav(dir.resolve("w2.wav"), speech, 2), video, dir.resolve("warmup2.mp4"), null);
            long shortPeak = peakNative(() -> engine.sync(shortAudio, video, dir.resolve("s.mp4"), null));
            long longPeak = peakNative(() -> engine.sync(longAudio, video, dir.resolve("l.mp4"), null));
            // Holding the frames would cost 0.9 MB each: 1.8 GB more for the 80 s video. Allow noise only.
            assertTrue(longPeak < shortPeak + 100L * 1024 * 1024,
                    "native memory: 10 s video peaked at " + shortPeak / 1048576 + " MB, 80 s at " + longPeak / 1048576 + " MB");
        }
    }

    interface Run { void run() throws Exception; }

    /** Peak of resident memory minus the committed Java heap, sampled every 5 ms. */
    static long peakNative(Run run) throws Exception {
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(Pointer.physicalBytes() - Runtime.getRuntime().totalMemory(), Math::max);
                try { Thread.sleep(5); } catch (InterruptedException e) { return; }
            }
        });
        sampler.start();
        try {
            run.run();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        return peak.get();
    }
}
