package io.lipdrop.lipsync;

import java.util.Map;

/** What one lip-sync run produced and how long each stage was busy. */
public record SyncResult(int frames, int framesWithFace, int width, int height, double fps, double audioSeconds,
                         String model, String provider, String encoder, double wallSeconds,
                         Map<String, Double> stageSeconds, FaceReport face, Map<String, Object> method, Geometry template) {
    /** The template as stored (before turning upright and scaling to what the encoder takes). */
    public record Geometry(int width, int height, int rotation, boolean scaled) {}

    /**
     * The face stage: which one ran and its models, boxes refused by the landmark check, and the mean
     * frame-to-frame movement of the smoothed mouth centre in pixels (NaN without landmarks).
     */
    public record FaceReport(String stage, Map<String, Object> models, int refused, double mouthMovementPixels) {}

    public double framesPerSecond() { return wallSeconds > 0 ? frames / wallSeconds : 0; }
}
