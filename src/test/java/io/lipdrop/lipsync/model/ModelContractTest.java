package io.lipdrop.lipsync.model;

import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.lipsync.onnx.OnnxGraph;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelContractTest {
    @Test
    void bindsInputsByShapeWhateverTheirNames() {
        byte[] onnx = DefaultModelGenerator.build(96, -1, "audio", "images", "output");
        try (Wav2LipModel m = Wav2LipModel.load("renamed", onnx, ProviderPreference.CPU, 1)) {
            assertEquals(new ModelContract("audio", "images", "output", 96, 0), m.contract());
        }
    }

    @Test
    void bindsHdExportsWith256PixelFaces() {
        byte[] onnx = DefaultModelGenerator.build(256, -1, "mel", "face", "pred");
        try (Wav2LipModel m = Wav2LipModel.load("hd", onnx, ProviderPreference.CPU, 1)) {
            assertEquals(256, m.contract().faceSize());
            float[] out = new float[2 * 3 * 256 * 256];
            m.infer(new float[2 * 80 * 16], new float[2 * 6 * 256 * 256], 2, out);
        }
    }

    @Test
    void padsTheLastBatchOfAFixedBatchModel() {
        byte[] onnx = DefaultModelGenerator.build(96, 4, "mel_spectrogram", "video_frames", "predicted_frames");
        try (Wav2LipModel m = Wav2LipModel.load("fixed4", onnx, ProviderPreference.CPU, 1)) {
            assertEquals(4, m.contract().fixedBatch());
            float[] faces = new float[3 * 6 * 96 * 96];
            java.util.Arrays.fill(faces, 0.5f);
            float[] out = new float[3 * 3 * 96 * 96];
            m.infer(new float[3 * 80 * 16], faces, 3, out);
            assertEquals(0.5f, out[0], 1e-5f);
        }
    }

    @Test
    void refusesAModelWithAnotherInterfaceAndSaysWhatWasExpected() {
        OnnxGraph g = new OnnxGraph("classifier");
        g.input("pixels", -1, 3, 224, 224);
        g.output("logits", -1, 3, 224, 224);
        g.nodeTo("logits", "Identity", java.util.List.of(), "pixels");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Wav2LipModel.load("classifier.onnx", g.toBytes(), ProviderPreference.CPU, 1));
        assertTrue(e.getMessage().contains("classifier.onnx") && e.getMessage().contains("[B,1,80,16]")
                && e.getMessage().contains("pixels"), e.getMessage());
    }

    @Test
    void cudaOnAMachineWithoutAGpuFailsFastWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(CudaProbe.gpuPresent(), "this machine has a GPU");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Wav2LipModel.load("d", DefaultModelGenerator.generate(), ProviderPreference.CUDA, 1));
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    }
}
