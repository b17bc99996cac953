package io.lipdrop.lipsync.audio.visemes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model evaluation: HeadAudio's viseme model, Gaussian prototypes of phonemes compared with a feature vector
 * ({@link VisemeFeatures}) by the squared Mahalanobis distance {@code (x - mu)^T Sigma^-1 (x - mu)}.
 *
 * <p>The file format is that of {@code model-en-mixed.bin} in the MIT-licensed npm package
 * {@code @met4citizen/headaudio} 0.1.0 (its README, appendix B, and {@code modules/training.mjs},
 * {@code parameters.mjs}): a sequence of 368-byte records, one per prototype:
 * <pre>
 *   bytes   0..3    the IPA phoneme: a big-endian uint32, the first UTF-16 unit in the high 16 bits, the second
 *                   (or 0) in the low 16 bits
 *   byte    4, 6    reserved;  byte 5: group id;  byte 7: viseme id, 0..14 (see {@link VisemeClassifier#VISEMES})
 *   bytes   8..55   mu, 12 little-endian float32
 *   bytes  56..367  Sigma^-1, its lower triangle row by row ((0,0), (1,0), (1,1), (2,0), ...), 78 float32
 * </pre>
 * As in the package's classifier, distances to silence prototypes are divided by {@value #SIL_SENSITIVITY}
 * (its {@code silSensitivity} default). Immutable and thread-safe.
 */
public final class VisemeModel {
    public static final int RECORD_BYTES = 368;
    /** The package's default {@code silSensitivity}: silence prototypes seem this much nearer. */
    public static final double SIL_SENSITIVITY = 1.2;
    static final int DIM = VisemeFeatures.COEFFICIENTS;
    private static final int LOWER = DIM * (DIM + 1) / 2;

    private final String source;
    private final String[] phonemes;
    private final int[] visemes;
    private final double[][] means;
    /** full symmetric Sigma^-1, row-major DIM x DIM */
    private final double[][] precisions;

    private VisemeModel(String source, String[] phonemes, int[] visemes, double[][] means, double[][] precisions) {
        this.source = source;
        this.phonemes = phonemes;
        this.visemes = visemes;
        this.means = means;
        this.precisions = precisions;
    }

    /**
     * Reads and checks a model file.
     *
     * @throws InvalidModelException when it is not a HeadAudio prototype model (the message names the file and
     *                               says what is wrong with it)
     * @throws IOException           when it cannot be read
     */
    public static VisemeModel load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the viseme model " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Reads and checks a model held in memory; {@code source} names it in messages.
     *
     * @throws InvalidModelException when the bytes are not a HeadAudio prototype model
     */
    public static VisemeModel parse(byte[] bytes, String source) throws InvalidModelException {
        String what = source + " is not a HeadAudio viseme model (" + RECORD_BYTES + "-byte Gaussian prototype records, "
                + "as @met4citizen/headaudio's model-en-mixed.bin): ";
        if (bytes.length == 0) throw new InvalidModelException(what + "the file is empty");
        if (bytes.length % RECORD_BYTES != 0) {
            throw new InvalidModelException(what + bytes.length + " bytes is not a whole number of records");
        }
        int n = bytes.length / RECORD_BYTES;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        String[] phonemes = new String[n];
        int[] visemes = new int[n];
        double[][] means = new double[n][DIM];
        double[][] precisions = new double[n][DIM * DIM];
        for (int p = 0; p < n; p++) {
            int at = p * RECORD_BYTES;
            int packed = b.order(ByteOrder.BIG_ENDIAN).getInt(at);
            char first = (char) (packed >>> 16), second = (char) (packed & 0xffff);
            phonemes[p] = second == 0 ? String.valueOf(first) : "" + first + second;
            String record = "record " + p + " (phoneme '" + phonemes[p] + "', byte " + at + ")";
            visemes[p] = bytes[at + 7] & 0xff;
            if (visemes[p] >= VisemeClassifier.VISEMES.size()) {
                throw new InvalidModelException(what + record + " has viseme id " + visemes[p] + ", not 0.."
                        + (VisemeClassifier.VISEMES.size() - 1));
            }
            b.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < DIM; i++) means[p][i] = finite(b.getFloat(at + 8 + 4 * i), what, record, "mu");
            int k = 0;
            for (int i = 0; i < DIM; i++) {
                for (int j = 0; j <= i; j++, k++) {
                    double v = finite(b.getFloat(at + 8 + 4 * DIM + 4 * k), what, record, "Sigma^-1");
                    precisions[p][i * DIM + j] = v;
                    precisions[p][j * DIM + i] = v;
                }
            }
            if (!positiveDefinite(precisions[p])) {
                throw new InvalidModelException(what + record + " has an inverse covariance that is not positive definite");
            }
        }
        return new VisemeModel(source, phonemes, visemes, means, precisions);
    }

    private static double finite(float v, String what, String record, String field) throws InvalidModelException {
        if (!Float.isFinite(v)) throw new InvalidModelException(what + record + " has " + v + " in " + field);
        return v;
    }

    /** Cholesky: succeeds exactly when the symmetric matrix is positive definite. */
    private static boolean positiveDefinite(double[] a) {
        double[] l = new double[DIM * DIM];
        for (int i = 0; i < DIM; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i * DIM + j];
                for (int k = 0; k < j; k++) sum -= l[i * DIM + k] * l[j * DIM + k];
                if (i == j) {
                    if (!(sum > 0)) return false;
                    l[i * DIM + i] = Math.sqrt(sum);
                } else {
                    l[i * DIM + j] = sum / l[j * DIM + j];
                }
            }
        }
        return true;
    }

    /** Where the model came from (its file), for messages. */
    public String source() {
        return source;
    }

    public int prototypes() {
        return visemes.length;
    }

    /** The IPA phoneme prototype {@code p} was trained on. */
    public String phoneme(int p) {
        return phonemes[p];
    }

    /** The viseme id of prototype {@code p}, an index into {@link VisemeClassifier#VISEMES}. */
    public int viseme(int p) {
        return visemes[p];
    }

    /** How many prototypes each viseme has. */
    public int[] prototypesPerViseme() {
        int[] count = new int[VisemeClassifier.VISEMES.size()];
        for (int v : visemes) count[v]++;
        return count;
    }

    /** The squared Mahalanobis distance of {@code x} to each prototype (silence ones divided by the sensitivity). */
    public double[] distances(float[] x) {
        if (x.length != DIM) throw new IllegalArgumentException("a feature vector has " + DIM + " values, not " + x.length);
        double[] out = new double[visemes.length];
        double[] diff = new double[DIM];
        for (int p = 0; p < visemes.length; p++) {
            for (int i = 0; i < DIM; i++) diff[i] = x[i] - means[p][i];
            double[] s = precisions[p];
            double d = 0;
            for (int i = 0; i < DIM; i++) {
                double row = 0;
                for (int j = 0; j < DIM; j++) row += s[i * DIM + j] * diff[j];
                d += diff[i] * row;
            }
            out[p] = visemes[p] == VisemeClassifier.SIL ? d / SIL_SENSITIVITY : d;
        }
        return out;
    }

    /**
     * Per viseme, the distance of its nearest prototype ({@code +Infinity} for a viseme without one): the
     * package's classifier picks the viseme of the nearest prototype, i.e. the smallest of these.
     */
    public double[] visemeDistances(float[] x) {
        double[] byPrototype = distances(x);
        double[] out = new double[VisemeClassifier.VISEMES.size()];
        Arrays.fill(out, Double.POSITIVE_INFINITY);
        for (int p = 0; p < byPrototype.length; p++) out[visemes[p]] = Math.min(out[visemes[p]], byPrototype[p]);
        return out;
    }

    @Override
    public String toString() {
        List<String> per = new ArrayList<>();
        int[] count = prototypesPerViseme();
        for (int v = 0; v < count.length; v++) per.add(VisemeClassifier.VISEMES.get(v) + " " + count[v]);
        return "viseme model " + source + ": " + prototypes() + " prototypes (" + String.join(", ", per) + ")";
    }

    /** The bytes are not a HeadAudio viseme model; the message names the file and what is wrong. */
    public static final class InvalidModelException extends IOException {
        InvalidModelException(String message) {
            super(message);
        }
    }
}
