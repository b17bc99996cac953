package io.lipdrop.lipsync.onnx;

import io.lipdrop.lipsync.onnx.OnnxGraph.Attribute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Generates LipDrop's embedded baseline model, {@code models/lipdrop-default.onnx}: Wav2Lip's interface
 * (mel [B,1,80,16], face [B,6,S,S] -> [B,3,S,S] in [0,1]) with a hand-built graph instead of trained weights.
 * It reads the loudness of the first four mel columns (the 50 ms the frame shows), maps it to an opening
 * amount, drops the jaw with a GridSample warp of the reference face and shades the gap between the lips.
 * The upper half of the face is untouched. It is a baseline that makes LipDrop work out of the box,
 * not a substitute for a trained Wav2Lip model.
 *
 * <p>Run {@code main(path)} to regenerate; a test proves the committed file equals this output.
 */
public final class DefaultModelGenerator {
    public static final String FILE_NAME = "lipdrop-default.onnx";
    public static final int SIZE = 96;

    /** Mel loudness (mean of normalised values) that maps to a closed and to a fully open mouth. */
    static final float QUIET = -2.6f;
    static final float LOUD = -0.8f;
    /** Mouth centre and size in the 96 px crop (Haar box padded 10 px at the bottom). */
    static final double MOUTH_X = 0.5;
    static final double MOUTH_Y = 0.73;
    static final double MOUTH_HALF_WIDTH = 0.15;
    /** Jaw drop at full opening, as a fraction of the crop height. */
    static final double JAW_DROP = 0.065;
    static final float SHADE = 0.6f;

    private DefaultModelGenerator() {}

    public static byte[] generate() {
        return build(SIZE, -1, "mel_spectrogram", "video_frames", "predicted_frames");
    }

    /** The same graph for another crop size, a fixed batch (-1: dynamic) and other tensor names (test models use this). */
    public static byte[] build(int s, int batch, String audioName, String faceName, String outputName) {
        OnnxGraph g = new OnnxGraph("lipdrop_default");
        g.input(audioName, batch, 1, 80, 16);
        g.input(faceName, batch, 6, s, s);
        g.output(outputName, batch, 3, s, s);

        String firstCols = g.node("Slice", audioName,
                g.longs("t0", new long[] {0}, 1), g.longs("t4", new long[] {4}, 1), g.longs("ax3", new long[] {3}, 1));
        String loudness = g.node("ReduceMean", List.of(Attribute.ints("axes", 1, 2, 3), Attribute.integer("keepdims", 1)), firstCols);
        String scaled = g.node("Mul", g.node("Sub", loudness, g.scalar("quiet", QUIET)), g.scalar("gain", 1f / (LOUD - QUIET)));
        String open = g.node("Clip", scaled, g.scalar("zero", 0f), g.scalar("one", 1f));

        String grid = g.node("Add", g.floats("identity_grid", identityGrid(s), 1, s, s, 2),
                g.node("Mul", open, g.floats("jaw_displacement", jawDisplacement(s), 1, s, s, 2)));
        String reference = g.node("Slice", faceName,
                g.longs("c3", new long[] {3}, 1), g.longs("c6", new long[] {6}, 1), g.longs("ax1", new long[] {1}, 1));
        String warped = g.node("GridSample", List.of(Attribute.string("mode", "bilinear"),
                Attribute.string("padding_mode", "border"), Attribute.integer("align_corners", 0)), reference, grid);
        String shade = g.node("Sub", "one", g.node("Mul", open, g.floats("mouth_shade", mouthShade(s), 1, 1, s, s)));
        g.nodeTo(outputName, "Mul", List.of(), warped, shade);
        return g.toBytes();
    }

    /** Pixel centres in GridSample's normalised coordinates (align_corners=0), so the identity warp is exact. */
    static float[] identityGrid(int s) {
        float[] grid = new float[s * s * 2];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                grid[(y * s + x) * 2] = (2f * x + 1) / s - 1;
                grid[(y * s + x) * 2 + 1] = (2f * y + 1) / s - 1;
            }
        }
        return grid;
    }

    /**
     * Where each output pixel samples from at full opening: below the mouth line the face is pulled
     * down (sampled from above), strongest at the chin's centre, fading to nothing at the crop's edges.
     */
    static float[] jawDisplacement(int s) {
        float[] d = new float[s * s * 2];
        double mouthY = MOUTH_Y * s, mouthX = MOUTH_X * s, halfWidth = MOUTH_HALF_WIDTH * s;
        for (int y = 0; y < s; y++) {
            double below = smoothstep((y - (mouthY - 0.02 * s)) / (0.06 * s));
            double towardsEdge = smoothstep((s - 1 - y) / (0.12 * s));
            for (int x = 0; x < s; x++) {
                double across = Math.exp(-0.5 * Math.pow((x - mouthX) / halfWidth, 2));
                double pixels = JAW_DROP * s * below * towardsEdge * across;
                d[(y * s + x) * 2 + 1] = (float) (-2 * pixels / s);
            }
        }
        return d;
    }

    /** Darkening between the lips at full opening; exactly zero in the upper half of the crop. */
    static float[] mouthShade(int s) {
        float[] m = new float[s * s];
        double cy = (MOUTH_Y + 0.02) * s, cx = MOUTH_X * s;
        for (int y = s / 2; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double r2 = Math.pow((x - cx) / (0.11 * s), 2) + Math.pow((y - cy) / (0.035 * s), 2);
                m[y * s + x] = (float) (SHADE * Math.exp(-0.5 * r2));
            }
        }
        return m;
    }

    private static double smoothstep(double t) {
        double c = Math.max(0, Math.min(1, t));
        return c * c * (3 - 2 * c);
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "models/" + FILE_NAME);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, generate());
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }
}
