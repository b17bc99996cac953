package io.lipdrop.lipsync.face;

/** Wav2Lip's --pads: pixels added to the face box (top, bottom, left, right) before the model's crop is taken. */
public record Padding(int top, int bottom, int left, int right) {
    public FaceBox apply(FaceBox b, int frameWidth, int frameHeight) {
        return b.padded(top, bottom, left, right, frameWidth, frameHeight);
    }
}
