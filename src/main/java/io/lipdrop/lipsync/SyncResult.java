package io.lipdrop.lipsync;

import java.util.Map;

/** What one lip-sync run produced and how long each stage was busy. */
public record SyncResult(int frames, int framesWithFace, int width, int height, double fps, double audioSeconds,
                         String model, String provider, String encoder, double wallSeconds,
                         Map<String, Double> stageSeconds) {
    public double framesPerSecond() { return wallSeconds > 0 ? frames / wallSeconds : 0; }
}
