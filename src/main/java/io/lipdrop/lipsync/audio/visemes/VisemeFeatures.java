package io.lipdrop.lipsync.audio.visemes;

/**
 * The pre-processing of the viseme model: the feature vectors HeadAudio's Gaussian prototypes were trained on,
 * computed from 16 kHz mono PCM in [-1, 1]. The maths is that of the MIT-licensed npm package
 * {@code @met4citizen/headaudio} 0.1.0 ({@code modules/processor.mjs}, {@code mfcc.mjs}, {@code parameters.mjs}),
 * written afresh here; the package works at 16 kHz, so LipDrop's decoded audio needs no resampling:
 * <ol>
 *   <li>pre-emphasis {@code y[n] = x[n] - 0.97 x[n-1]};</li>
 *   <li>the package's input low-pass: its polyphase resampler is a 32-tap Hamming-windowed sinc with a cut-off
 *       of 0.45 of the output rate (7.2 kHz); at a 16 kHz input it always uses its phase 0,
 *       {@code h[j] = sin(2 pi 0.45 (j - 15.5)) / (pi (j - 15.5)) * hamming32[j]}, a delay of 15.5 samples;</li>
 *   <li>windows of {@value #WINDOW} samples every {@value #HOP} (62.5 per second), the first once 512 filtered
 *       samples are in;</li>
 *   <li>per window: a symmetric Hamming window, the FFT, the power {@code |X[k]|^2 / 512} for k = 0..255 and the
 *       log energy {@code le = log10(sum of that power + 1e-10)} (the voice-activity gate's input; 10 le is
 *       the package's "dB");</li>
 *   <li>40 triangular filters evenly spaced on the HTK mel scale ({@code 2595 log10(1 + f/700)}) from 30 to
 *       7800 Hz, their corners on FFT bins {@code floor(f / 16000 * 512)} of the corner frequencies rounded to
 *       float32 as the package stores them; {@code log10(band energy + 1e-10)};</li>
 *   <li>a DCT-II with the scale {@code sqrt(2/40)}, coefficients 1..12 (c0 is dropped), each times the
 *       sinusoidal lifter {@code 1 + 11 sin(pi i / 22)};</li>
 *   <li>{@code tanh} compression of each coefficient (range 1).</li>
 * </ol>
 * The package's speaker-pitch warp of the mel scale is left at its default (150 Hz: no warp), which is what its
 * model was trained with. Computed in double precision (the package keeps float32 arrays); the vectors are
 * returned as float, as the package hands them to its classifier. Thread-safe: the tables are read-only and
 * each call has its own scratch arrays.
 */
public final class VisemeFeatures {
    public static final int SAMPLE_RATE = 16_000;
    public static final int WINDOW = 512;
    public static final int HOP = 256;
    /** Length of a feature vector: MFCC 1..12. */
    public static final int COEFFICIENTS = 12;
    static final int MEL_BANDS = 40;
    static final double PRE_EMPHASIS = 0.97;
    static final int FIR_TAPS = 32;
    static final double FIR_CUTOFF = 0.45;
    static final double MEL_LOW_HZ = 30, MEL_HIGH_HZ = 7800;
    static final double LIFTER = 22;
    /**
     * The input sample at the centre of hop 0's window: the window's middle, (512 - 1) / 2 = 255.5 in the
     * filtered signal, less the low-pass filter's delay of (32 - 1) / 2 = 15.5 samples. Hop h is centred on
     * input sample {@code 256 h + 240}.
     */
    public static final double FIRST_CENTRE = (WINDOW - 1) / 2.0 - (FIR_TAPS - 1) / 2.0;

    private static final int BINS = WINDOW / 2;

    private final double[] lowPass = lowPass();
    private final double[] hamming = hamming(WINDOW);
    private final Fft fft = new Fft(WINDOW);
    /** mel band m weighs power bins firstBin[m] .. firstBin[m] + weights[m].length - 1 */
    private final int[] firstBin = new int[MEL_BANDS];
    private final double[][] weights = new double[MEL_BANDS][];
    /** DCT rows 1..12, each already times its lifter value */
    private final double[][] cepstrum = new double[COEFFICIENTS][MEL_BANDS];

    public VisemeFeatures() {
        buildMelFilters();
        double scale = Math.sqrt(2.0 / MEL_BANDS);
        for (int i = 1; i <= COEFFICIENTS; i++) {
            double lifter = 1 + (LIFTER / 2) * Math.sin(Math.PI * i / LIFTER);
            for (int j = 0; j < MEL_BANDS; j++) {
                cepstrum[i - 1][j] = lifter * scale * Math.cos(Math.PI * i * (j + 0.5) / MEL_BANDS);
            }
        }
    }

    /**
     * The features of the model's hops over {@code pcm16k}.
     *
     * @param vectors   per hop, the {@value #COEFFICIENTS} compressed coefficients
     * @param logEnergy per hop, {@code log10} of the window's energy (see the class comment)
     */
    public record Features(float[][] vectors, float[] logEnergy) {
        public int hops() {
            return vectors.length;
        }

        /** Where hop {@code h}'s window is centred, in seconds from the start of the input. */
        public static double centreSeconds(int hop) {
            return (hop * (double) HOP + FIRST_CENTRE) / SAMPLE_RATE;
        }
    }

    /** Number of hops the package makes of {@code samples} samples: one per full window. */
    public static int hops(int samples) {
        return samples < WINDOW ? 0 : (samples - WINDOW) / HOP + 1;
    }

    public Features compute(float[] pcm16k) {
        return compute(pcm16k, 0);
    }

    /** The features of {@code pcm16k} followed by {@code padding} zeros (without a padded copy of the audio). */
    public Features compute(float[] pcm16k, int padding) {
        Stream stream = stream();
        stream.accept(pcm16k, 0, pcm16k.length);
        return stream.finish(padding);
    }

    /** Features computed as the samples arrive: the audio is never held, only a window of it and the features. */
    public Stream stream() { return new Stream(); }

    /**
     * One pass over one recording: pre-emphasis and the low-pass filter run sample by sample (the filter keeps its
     * last 32 emphasised samples), the filtered samples fill a window, and each full window becomes a hop's
     * features (about 60 bytes a hop, 13 MB an hour), so a 3-hour speech needs no 700 MB array of samples.
     */
    public final class Stream implements io.lipdrop.lipsync.audio.SampleSink {
        private final double[] recent = new double[FIR_TAPS]; // emphasised[i - 31 .. i], emphasised[k] at k % FIR_TAPS
        private final float[] window = new float[WINDOW];      // filtered samples of the window being filled
        private final double[] re = new double[WINDOW], im = new double[WINDOW];
        private final double[] power = new double[BINS];
        private final double[] bands = new double[MEL_BANDS];
        private final java.util.ArrayList<float[]> vectors = new java.util.ArrayList<>();
        private float[] logEnergy = new float[1024];
        private long i;          // samples taken so far
        private double previous; // the sample before this one (0 before the first)
        private int filled;

        @Override
        public void accept(float[] samples, int from, int to) {
            for (int k = from; k < to; k++) take(samples[k]);
        }

        /** The features of everything taken, followed by {@code padding} zeros. */
        public Features finish(int padding) {
            for (int k = 0; k < padding; k++) take(0);
            return new Features(vectors.toArray(float[][]::new), java.util.Arrays.copyOf(logEnergy, vectors.size()));
        }

        private void take(float x) {
            // pre-emphasis, then y[i] = sum_j h[j] x[i - 31 + j]: h[31] weighs the newest sample
            recent[(int) (i % FIR_TAPS)] = x - PRE_EMPHASIS * previous;
            previous = x;
            double sum = 0;
            for (int j = (int) Math.max(0, FIR_TAPS - 1 - i); j < FIR_TAPS; j++) {
                sum += lowPass[j] * recent[(int) ((i - (FIR_TAPS - 1) + j) % FIR_TAPS)];
            }
            i++;
            window[filled++] = (float) sum; // the package hands the window to its FFT as float32
            if (filled == WINDOW) {
                hop();
                // windows overlap by WINDOW - HOP samples: keep those
                System.arraycopy(window, HOP, window, 0, WINDOW - HOP);
                filled = WINDOW - HOP;
            }
        }

        private void hop() {
            for (int n = 0; n < WINDOW; n++) {
                re[n] = window[n] * hamming[n];
                im[n] = 0;
            }
            fft.transform(re, im);
            double total = 0;
            for (int k = 0; k < BINS; k++) {
                power[k] = (re[k] * re[k] + im[k] * im[k]) / WINDOW;
                total += power[k];
            }
            int h = vectors.size();
            if (h == logEnergy.length) logEnergy = java.util.Arrays.copyOf(logEnergy, h * 2);
            logEnergy[h] = (float) Math.log10(total + 1e-10);
            for (int m = 0; m < MEL_BANDS; m++) {
                double[] w = weights[m];
                double s = 0;
                for (int q = 0; q < w.length; q++) s += w[q] * power[firstBin[m] + q];
                bands[m] = Math.log10(s + 1e-10);
            }
            float[] v = new float[COEFFICIENTS];
            for (int c = 0; c < COEFFICIENTS; c++) {
                double d = 0;
                for (int m = 0; m < MEL_BANDS; m++) d += cepstrum[c][m] * bands[m];
                v[c] = (float) Math.tanh(d);
            }
            vectors.add(v);
        }
    }

    private static double[] lowPass() {
        double mid = (FIR_TAPS - 1) / 2.0;
        double[] window = hamming(FIR_TAPS);
        double[] h = new double[FIR_TAPS];
        for (int j = 0; j < FIR_TAPS; j++) {
            double t = j - mid; // never 0: the taps sit half a sample either side of the middle
            h[j] = Math.sin(2 * Math.PI * FIR_CUTOFF * t) / (Math.PI * t) * window[j];
        }
        return h;
    }

    /** The symmetric Hamming window, 0.54 - 0.46 cos(2 pi i / (n - 1)). */
    private static double[] hamming(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (n - 1));
        return w;
    }

    private void buildMelFilters() {
        double melLow = mel(MEL_LOW_HZ), melHigh = mel(MEL_HIGH_HZ);
        double step = (melHigh - melLow) / (MEL_BANDS + 1);
        int[] corner = new int[MEL_BANDS + 2];
        for (int i = 0; i < corner.length; i++) {
            float hz = (float) melToHz(melLow + step * i); // the package keeps the corner frequencies as float32
            corner[i] = (int) Math.floor(hz / (double) SAMPLE_RATE * WINDOW);
        }
        for (int m = 0; m < MEL_BANDS; m++) {
            int lo = corner[m], mid = corner[m + 1], hi = Math.min(corner[m + 2], BINS);
            double[] w = new double[Math.max(0, hi - lo)];
            for (int k = lo; k < mid; k++) w[k - lo] = (k - lo) / (double) (mid - lo);
            for (int k = mid; k < hi; k++) w[k - lo] = (corner[m + 2] - k) / (double) (corner[m + 2] - mid);
            firstBin[m] = lo;
            weights[m] = w;
        }
    }

    static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    static double melToHz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    /** An iterative radix-2 complex FFT of a fixed power-of-two size, in place. */
    static final class Fft {
        private final int n;
        private final int[] reversed;
        private final double[] cos, sin;

        Fft(int n) {
            if (Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two: " + n);
            this.n = n;
            int bits = Integer.numberOfTrailingZeros(n);
            reversed = new int[n];
            for (int i = 0; i < n; i++) reversed[i] = Integer.reverse(i) >>> (32 - bits);
            cos = new double[n / 2];
            sin = new double[n / 2];
            for (int k = 0; k < n / 2; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = -Math.sin(2 * Math.PI * k / n);
            }
        }

        void transform(double[] re, double[] im) {
            for (int i = 0; i < n; i++) {
                int j = reversed[i];
                if (j > i) {
                    double t = re[i]; re[i] = re[j]; re[j] = t;
                    t = im[i]; im[i] = im[j]; im[j] = t;
                }
            }
            for (int size = 2; size <= n; size <<= 1) {
                int half = size / 2, stride = n / size;
                for (int start = 0; start < n; start += size) {
                    for (int k = 0; k < half; k++) {
                        double wr = cos[k * stride], wi = sin[k * stride];
                        int a = start + k, b = a + half;
                        double xr = re[b] * wr - im[b] * wi;
                        double xi = re[b] * wi + im[b] * wr;
                        re[b] = re[a] - xr;
                        im[b] = im[a] - xi;
                        re[a] += xr;
                        im[a] += xi;
                    }
                }
            }
        }
    }
}
