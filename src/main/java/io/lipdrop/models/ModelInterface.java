package io.lipdrop.models;

import io.lipdrop.lipsync.ModelRefusedException;
import io.lipdrop.lipsync.model.ModelContract;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;

/**
 * A model's Wav2Lip interface as LipDrop itself binds it: the model is loaded with {@link Wav2LipModel} on the CPU,
 * so what passes here is exactly what the service accepts at start-up, and what fails gets {@link ModelContract}'s
 * explanation.
 */
public record ModelInterface(int faceSize, int fixedBatch, String audioInput, String faceInput, String output) {

    public static ModelInterface check(String name, byte[] onnx) throws ModelRefusedException {
        try (Wav2LipModel m = Wav2LipModel.load(name, onnx, ProviderPreference.CPU, 1)) {
            ModelContract c = m.contract();
            return new ModelInterface(c.faceSize(), c.fixedBatch(), c.audioInput(), c.faceInput(), c.output());
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException(e.getMessage());
        }
    }

    /** "face 96x96, batch dynamic" */
    public String summary() {
        return "face " + faceSize + "x" + faceSize + ", batch " + (fixedBatch > 0 ? fixedBatch : "dynamic");
    }

    public String tensors() {
        return "audio input '" + audioInput + "', face input '" + faceInput + "', output '" + output + "'";
    }
}
