package io.lipdrop.lipsync;

import java.util.List;

/**
 * Settings that shape the engine's output or speed. {@link #outputAffecting()} lists the ones that change
 * the pixels, which go into the idempotency key.
 *
 * @param batchSize     frames per model call
 * @param padTop        face box padding in pixels (Wav2Lip's --pads), then the others
 * @param smoothWindow  frames averaged for the face box (Wav2Lip's T=5)
 * @param cascade       face detector: haar, lbp or a cascade XML path
 * @param detectWidth   frames are downscaled to this width for detection
 * @param detectEvery   detect the face on every n-th template frame, interpolating the others (1: every frame)
 * @param videoBitrate  H.264 bit rate in bit/s, 0 for about 0.1 bit per pixel
 * @param encoders      H.264 encoders to try, in order
 * @param queueFrames   capacity of each queue between stages (bounds memory)
 * @param reverseChunk  frames decoded at once when the template plays backwards
 * @param mouthLibrarySize most template mouths kept for the mouth-library method (bounds its memory)
 * @param codecThreads  threads of each job's software decoder and encoder (0: the codec's own, about one per core)
 * @param maxAudioSeconds longest speech a job takes (its audio is held whole: this bounds the heap a job needs)
 */
public record EngineSettings(int batchSize, int padTop, int padBottom, int padLeft, int padRight, int smoothWindow,
                             String cascade, int detectWidth, int detectEvery, int videoBitrate, List<String> encoders,
                             int queueFrames, int reverseChunk, int mouthLibrarySize, int codecThreads,
                             long maxAudioSeconds) {

    public static EngineSettings defaults() {
        return new EngineSettings(16, 0, 10, 0, 0, 5, "haar", 480, 1, 0, List.of("libopenh264"), 8, 16, 400, 0, 3 * 3600);
    }

    public String outputAffecting() {
        return "pads=" + padTop + "," + padBottom + "," + padLeft + "," + padRight + ";smooth=" + smoothWindow
                + ";cascade=" + cascade + ";detectWidth=" + detectWidth + ";detectEvery=" + detectEvery + ";bitrate=" + videoBitrate
                + ";mouthLibrary=" + mouthLibrarySize;
    }
}
