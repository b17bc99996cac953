package io.lipdrop.lipsync.audio;

/**
 * A mel spectrogram, {@code bands} rows by {@link #frames()} columns (80 per second of 16 kHz audio).
 * Stored band-major so a Wav2Lip window [80,16] is 80 contiguous copies.
 */
public final class Mel {
    public static final int WINDOW = 16;

    private final float[][] bands;

    public Mel(float[][] bands) { this.bands = bands; }

    public int bandCount() { return bands.length; }
    public int frames() { return bands.length == 0 ? 0 : bands[0].length; }
    public float value(int band, int frame) { return bands[band][frame]; }

    /**
     * First mel column of video frame {@code i}: Wav2Lip's {@code int(i * 80 / fps)}, clamped so the
     * 16-column window stays inside the spectrogram at the end of the audio.
     */
    public int windowStart(int frameIndex, double fps) {
        int start = (int) (frameIndex * 80.0 / fps);
        return Math.max(0, Math.min(start, frames() - WINDOW));
    }

    /** Copies the [bands,16] window starting at {@code start} into {@code dst} (band-major). */
    public void copyWindow(int start, float[] dst, int offset) {
        int n = Math.min(WINDOW, frames() - start);
        for (int b = 0; b < bands.length; b++) {
            System.arraycopy(bands[b], start, dst, offset + b * WINDOW, n);
            // Audio shorter than one window: pad with silence (the normalised floor).
            for (int t = n; t < WINDOW; t++) dst[offset + b * WINDOW + t] = -4f;
        }
    }
}
