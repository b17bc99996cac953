package io.lipdrop.lipsync.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a model's tensors map onto Wav2Lip's interface. Public exports name their inputs differently
 * ({@code mel_spectrogram}/{@code video_frames}, {@code audio}/{@code images}, ...), so inputs are bound by shape:
 * audio [B,1,80,16], face [B,6,S,S], output [B,3,S,S].
 *
 * @param fixedBatch the batch a fixed-batch export requires, or 0 when the batch is dynamic
 */
public record ModelContract(String audioInput, String faceInput, String output, int faceSize, int fixedBatch) {

    static final String EXPECTED = "expected two float inputs, audio [B,1,80,16] and face [B,6,S,S] (S = 96 or 256), "
            + "and one output [B,3,S,S]";

    public static ModelContract bind(String modelName, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        String audio = null, face = null, out = null;
        long[] faceShape = null, audioShape = null;
        for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
            long[] d = shapeOf(e.getValue());
            if (d.length == 4 && d[1] == 1 && d[2] == 80 && d[3] == 16) { audio = e.getKey(); audioShape = d; }
            else if (d.length == 4 && d[1] == 6 && d[2] > 0 && d[2] == d[3]) { face = e.getKey(); faceShape = d; }
        }
        if (outputs.size() == 1) {
            Map.Entry<String, NodeInfo> o = outputs.entrySet().iterator().next();
            long[] d = shapeOf(o.getValue());
            if (faceShape != null && d.length == 4 && d[1] == 3
                    && (d[2] == faceShape[2] || d[2] < 0) && (d[3] == faceShape[3] || d[3] < 0)) {
                out = o.getKey();
            }
        }
        if (inputs.size() != 2 || audio == null || face == null || out == null) {
            throw new IllegalArgumentException("Model " + modelName + " does not have the Wav2Lip interface: " + EXPECTED
                    + "; it has inputs " + describe(inputs) + " and outputs " + describe(outputs));
        }
        long batchA = audioShape[0], batchF = faceShape[0];
        if ((batchA > 0 || batchF > 0) && batchA != batchF) {
            throw new IllegalArgumentException("Model " + modelName + " has different fixed batch sizes on its inputs: "
                    + describe(inputs));
        }
        return new ModelContract(audio, face, out, (int) faceShape[2], batchA > 0 ? (int) batchA : 0);
    }

    private static long[] shapeOf(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        return nodes.entrySet().stream()
                .map(e -> e.getKey() + " " + Arrays.toString(shapeOf(e.getValue())).replace("-1", "B"))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
