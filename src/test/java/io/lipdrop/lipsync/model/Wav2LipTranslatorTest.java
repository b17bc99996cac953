package io.lipdrop.lipsync.model;

import io.lipdrop.lipsync.face.FaceBox;
import io.lipdrop.lipsync.onnx.OnnxGraph;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Wav2LipTranslatorTest {
    static final int S = 96;

    /** A frame whose pixel (x,y) is B=x, G=y, R=200: every channel is recognisable. */
    static Mat gradient() {
        Mat m = new Mat(S, S, CV_8UC3);
        UByteIndexer ix = m.createIndexer();
        for (int y = 0; y < S; y++) for (int x = 0; x < S; x++) { ix.put(y, x, 0, x); ix.put(y, x, 1, y); ix.put(y, x, 2, 200); }
        ix.close();
        return m;
    }

    /** A model that returns the face input's channels {@code c}, proving channel order through ONNX Runtime. */
    static byte[] channelCopyModel(long... c) {
        OnnxGraph g = new OnnxGraph("copy");
        g.input("mel", -1, 1, 80, 16);
        g.input("face", -1, 6, S, S);
        g.output("out", -1, 3, S, S);
        String picked = g.node("Gather", List.of(OnnxGraph.Attribute.integer("axis", 1)), "face", g.longs("idx", c, 3));
        String silence = g.node("Mul", g.node("ReduceMean", List.of(OnnxGraph.Attribute.integer("keepdims", 1)), "mel"), g.scalar("zero", 0f));
        g.nodeTo("out", "Add", List.of(), picked, silence);
        return g.toBytes();
    }

    @Test
    void tensorHoldsTheMaskedCropThenTheFullCropInBgrOrder() {
        float[] faces = new float[6 * S * S];
        try (Wav2LipTranslator t = new Wav2LipTranslator(S); Mat frame = gradient()) {
            t.faceInput(frame, new FaceBox(0, 0, S, S), faces, 0);
        }
        int plane = S * S;
        assertEquals(7 / 255f, faces[0 * plane + 10 * S + 7], 1e-6);            // B = x, upper half kept
        assertEquals(10 / 255f, faces[1 * plane + 10 * S + 7], 1e-6);           // G = y
        assertEquals(200 / 255f, faces[2 * plane + 10 * S + 7], 1e-6);          // R
        assertEquals(0f, faces[2 * plane + 60 * S + 7]);                         // lower half masked
        assertEquals(200 / 255f, faces[5 * plane + 60 * S + 7], 1e-6);          // reference keeps it
        assertEquals(60 / 255f, faces[4 * plane + 60 * S + 7], 1e-6);
    }

    @Test
    void predictionsGoBackIntoTheLowerFaceOnly() {
        try (Wav2LipModel masked = Wav2LipModel.load("copy-masked", channelCopyModel(0, 1, 2), ProviderPreference.CPU, 1);
             Wav2LipTranslator t = new Wav2LipTranslator(S); Mat frame = gradient()) {
            float[] faces = new float[6 * S * S];
            FaceBox box = new FaceBox(0, 0, S, S);
            t.faceInput(frame, box, faces, 0);
            float[] out = new float[3 * S * S];
            masked.infer(new float[80 * 16], faces, 1, out);
            t.paste(out, 0, frame, box);
            UByteIndexer ix = frame.createIndexer();
            // upper half: mask 0, the frame is untouched
            assertEquals(7, ix.get(20, 7, 0));
            assertEquals(20, ix.get(20, 7, 1));
            // deep in the lower face the (masked = black) prediction replaced the pixels, its colour moved at most
            // the seam correction's limit towards the frame's
            assertEquals(true, ix.get(80, 48, 2) <= io.lipdrop.lipsync.face.SeamBlend.MAX_COLOUR_SHIFT, "replaced: " + ix.get(80, 48, 2));
            // at the feathered edge it is a blend, neither the frame nor the prediction
            int edge = ix.get(52, 48, 2);
            assertEquals(true, edge > 0 && edge < 200, "blended value " + edge);
            ix.close();
        }
    }

    @Test
    void identityPredictionLeavesTheFrameAsItWas() {
        try (Wav2LipModel reference = Wav2LipModel.load("copy-ref", channelCopyModel(3, 4, 5), ProviderPreference.CPU, 1);
             Wav2LipTranslator t = new Wav2LipTranslator(S); Mat frame = gradient()) {
            float[] faces = new float[6 * S * S];
            FaceBox box = new FaceBox(0, 0, S, S);
            t.faceInput(frame, box, faces, 0);
            float[] out = new float[3 * S * S];
            reference.infer(new float[80 * 16], faces, 1, out);
            t.paste(out, 0, frame, box);
            UByteIndexer ix = frame.createIndexer();
            for (int y = 0; y < S; y += 5) for (int x = 0; x < S; x += 5) {
                assertEquals(x, ix.get(y, x, 0), 1, "B at " + x + "," + y);
                assertEquals(y, ix.get(y, x, 1), 1, "G at " + x + "," + y);
            }
            ix.close();
        }
    }
}
