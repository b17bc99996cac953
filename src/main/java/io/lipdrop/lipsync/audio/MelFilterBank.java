package io.lipdrop.lipsync.audio;

/**
 * Slaney-scale, Slaney-normalised triangular mel filters, as librosa.filters.mel(htk=False, norm='slaney')
 * and torchaudio's melscale_fbanks(norm='slaney', mel_scale='slaney') build them for Wav2Lip.
 * Filters are stored sparsely (first bin and weights) because each covers only a few FFT bins.
 */
public final class MelFilterBank {
    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    private final int[] firstBin;
    private final double[][] weights;

    public MelFilterBank(int sampleRate, int nFft, int nMels, double fMin, double fMax) {
        int bins = nFft / 2 + 1;
        double melMin = hzToMel(fMin), melMax = hzToMel(fMax);
        double[] melF = new double[nMels + 2];
        for (int i = 0; i < melF.length; i++) {
            melF[i] = melToHz(melMin + (melMax - melMin) * i / (nMels + 1));
        }
        firstBin = new int[nMels];
        weights = new double[nMels][];
        for (int m = 0; m < nMels; m++) {
            double lowHz = melF[m], centreHz = melF[m + 1], highHz = melF[m + 2];
            double norm = 2.0 / (highHz - lowHz);
            double[] dense = new double[bins];
            int first = -1, last = -1;
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / nFft;
                double lower = (f - lowHz) / (centreHz - lowHz);
                double upper = (highHz - f) / (highHz - centreHz);
                double w = Math.max(0, Math.min(lower, upper)) * norm;
                dense[k] = w;
                if (w > 0) {
                    if (first < 0) first = k;
                    last = k;
                }
            }
            if (first < 0) { first = 0; last = -1; }
            firstBin[m] = first;
            weights[m] = java.util.Arrays.copyOfRange(dense, first, last + 1);
        }
    }

    static double hzToMel(double hz) {
        return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
    }

    static double melToHz(double mel) {
        return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
    }

    public int size() { return weights.length; }

    /** Energy of band {@code m} for one magnitude spectrum. */
    public double apply(int m, double[] magnitude) {
        double[] w = weights[m];
        int off = firstBin[m];
        double sum = 0;
        for (int i = 0; i < w.length; i++) sum += w[i] * magnitude[off + i];
        return sum;
    }
}
