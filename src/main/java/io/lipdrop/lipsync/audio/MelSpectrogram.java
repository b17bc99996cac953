package io.lipdrop.lipsync.audio;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.DFT_COMPLEX_OUTPUT;
import static org.bytedeco.opencv.global.opencv_core.DFT_ROWS;
import static org.bytedeco.opencv.global.opencv_core.dft;

/**
 * Wav2Lip's audio features (audio.py / hparams.py): pre-emphasis 0.97; STFT n_fft 800, hop 200,
 * window 800 (periodic Hann, centred, reflect padding); 80 Slaney mel bands 55-7600 Hz on the magnitude;
 * 20*log10(max(1e-5, x)) - 20; then clip(8*((S+100)/100) - 4, -4, 4).
 * Real weights only give real mouths when these numbers are exact, so they are not settings.
 */
public final class MelSpectrogram {
    public static final int SAMPLE_RATE = 16_000;
    public static final int N_FFT = 800;
    public static final int HOP = 200;
    public static final int N_MELS = 80;
    private static final double PRE_EMPHASIS = 0.97;
    private static final double MIN_LEVEL_DB = -100;
    private static final double REF_LEVEL_DB = 20;
    private static final double MAX_ABS_VALUE = 4;
    /** STFT rows per OpenCV DFT call: keeps the scratch matrix a few MB whatever the audio length. */
    private static final int ROWS_PER_CHUNK = 512;

    private final MelFilterBank filters = new MelFilterBank(SAMPLE_RATE, N_FFT, N_MELS, 55, 7600);
    private final double[] window = periodicHann(N_FFT);

    public Mel compute(float[] samples) {
        double[] x = preEmphasis(samples);
        int pad = N_FFT / 2;
        int frames = 1 + x.length / HOP;
        float[][] out = new float[N_MELS][frames];
        int bins = N_FFT / 2 + 1;
        double[] magnitude = new double[bins];
        double[] frameIn = new double[ROWS_PER_CHUNK * N_FFT];
        double[] spectrum = new double[ROWS_PER_CHUNK * N_FFT * 2];
        for (int first = 0; first < frames; first += ROWS_PER_CHUNK) {
            int rows = Math.min(ROWS_PER_CHUNK, frames - first);
            try (Mat in = new Mat(rows, N_FFT, CV_64F); Mat spec = new Mat()) {
                for (int r = 0; r < rows; r++) {
                    int start = (first + r) * HOP - pad;
                    for (int n = 0; n < N_FFT; n++) frameIn[r * N_FFT + n] = reflect(x, start + n) * window[n];
                }
                new DoublePointer(in.data()).put(frameIn, 0, rows * N_FFT); // one bulk copy, not one JNI call per sample
                dft(in, spec, DFT_ROWS | DFT_COMPLEX_OUTPUT, 0);
                new DoublePointer(spec.data()).get(spectrum, 0, rows * N_FFT * 2);
                for (int r = 0; r < rows; r++) {
                    int base = r * N_FFT * 2;
                    for (int k = 0; k < bins; k++) {
                        double re = spectrum[base + 2 * k], im = spectrum[base + 2 * k + 1];
                        magnitude[k] = Math.sqrt(re * re + im * im);
                    }
                    for (int m = 0; m < N_MELS; m++) {
                        out[m][first + r] = (float) normalise(filters.apply(m, magnitude));
                    }
                }
            }
        }
        return new Mel(out);
    }

    private static double normalise(double melEnergy) {
        double db = 20 * Math.log10(Math.max(1e-5, melEnergy)) - REF_LEVEL_DB;
        double s = 2 * MAX_ABS_VALUE * ((db - MIN_LEVEL_DB) / -MIN_LEVEL_DB) - MAX_ABS_VALUE;
        return Math.max(-MAX_ABS_VALUE, Math.min(MAX_ABS_VALUE, s));
    }

    private static double[] preEmphasis(float[] s) {
        double[] y = new double[s.length];
        for (int i = 0; i < s.length; i++) y[i] = s[i] - (i > 0 ? PRE_EMPHASIS * s[i - 1] : 0);
        return y;
    }

    /** numpy 'reflect' padding: the edge sample is not repeated. */
    private static double reflect(double[] x, int i) {
        int n = x.length;
        if (n == 1) return x[0];
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return x[j < n ? j : period - j];
    }

    private static double[] periodicHann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        return w;
    }

}
