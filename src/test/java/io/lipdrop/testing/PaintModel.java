package io.lipdrop.testing;

import io.lipdrop.lipsync.onnx.OnnxGraph;

/**
 * A Wav2Lip-shaped test model that paints its whole output one colour (BGR in [0,1]), whatever it is shown:
 * where that colour appears in the output video is exactly where the blend let the model's picture through.
 */
public final class PaintModel {
    private PaintModel() {}

    public static byte[] build(float b, float g, float r) {
        int s = 96;
        OnnxGraph graph = new OnnxGraph("paint");
        graph.input("mel_spectrogram", -1, 1, 80, 16);
        graph.input("video_frames", -1, 6, s, s);
        graph.output("predicted_frames", -1, 3, s, s);
        // reference channels x 0 + colour: keeps the batch and size of the input, the values of the colour
        String reference = graph.node("Slice", "video_frames", graph.longs("c3", new long[] {3}, 1),
                graph.longs("c6", new long[] {6}, 1), graph.longs("ax1", new long[] {1}, 1));
        String zero = graph.node("Mul", reference, graph.scalar("zero", 0f));
        graph.nodeTo("predicted_frames", "Add", java.util.List.of(), zero, graph.floats("colour", new float[] {b, g, r}, 1, 3, 1, 1));
        return graph.toBytes();
    }
}
