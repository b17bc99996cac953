package io.lipdrop.bench;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;
import io.lipdrop.lipsync.mouth.MouthTargets;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * {@code bench targets AUDIO}: what a job does with its speech before the first frame (decode, viseme features,
 * mouth targets at 25 fps, in one streamed pass), timed, with the peak heap it took: what a long speech costs
 * under the service's -Xmx.
 */
final class TargetsBench {
    private TargetsBench() {}

    static void run(Path audio, EngineSettings engine, VisemeClassifier visemes) {
        MediaLibraries.init();
        long t = System.nanoTime();
        // as the engine does it: the targets are computed while the audio is decoded
        MouthTargets.Builder speech = MouthTargets.builder(visemes, 25);
        long samples = new AudioDecoder(engine.maxAudioSeconds()).stream(audio, speech);
        int frames = io.lipdrop.lipsync.video.Timeline.outputFrames(samples, 16000, 25);
        MouthTargets targets = speech.build(frames);
        System.out.printf("targets: %.0f min of audio, %d frames (%s) in %.1f s, heap pools' peaks %d MB of -Xmx %d MB%n",
                samples / 16000.0 / 60, frames, targets.source(), (System.nanoTime() - t) / 1e9, peakHeapMb(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        }
        return peak / (1024 * 1024);
    }
}
