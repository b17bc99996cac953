package io.lipdrop.lipsync.audio;

/**
 * Takes mono 16 kHz samples in [-1, 1] in order, a chunk at a time ({@code samples[from..to)}; the array is reused
 * by the caller after the call), so that what is computed from a job's speech never needs the speech whole.
 */
@FunctionalInterface
public interface SampleSink {
    void accept(float[] samples, int from, int to);
}
