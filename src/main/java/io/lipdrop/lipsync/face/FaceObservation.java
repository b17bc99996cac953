package io.lipdrop.lipsync.face;

/**
 * Where the presenter's face is in one output frame, after smoothing: the box the model's crop is taken from
 * and, when the face mesh ran, the landmarks (null with the cascade fallback).
 */
public record FaceObservation(FaceBox box, FaceShape shape) {
    public boolean hasLandmarks() { return shape != null; }
}
