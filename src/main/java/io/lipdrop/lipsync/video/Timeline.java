package io.lipdrop.lipsync.video;

/**
 * Maps output frames to template frames. The output lasts as long as the audio; a shorter template
 * plays forwards and backwards (ping-pong: 0..N-1, N-2..1, 0..) so there is never a jump cut.
 */
public final class Timeline {
    private Timeline() {}

    /** Output frames for {@code audioSamples} at {@code sampleRate}: the audio's duration, rounded up to a frame. */
    public static int outputFrames(long audioSamples, int sampleRate, double fps) {
        return (int) Math.max(1, Math.ceil(audioSamples * fps / sampleRate - 1e-9));
    }

    /** Template frame shown at output frame {@code i} when the template has {@code n} frames. */
    public static int pingPong(long i, int n) {
        if (n <= 1) return 0;
        long period = 2L * n - 2;
        int j = (int) (i % period);
        return j < n ? j : (int) (period - j);
    }
}
