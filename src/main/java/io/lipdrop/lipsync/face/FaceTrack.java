package io.lipdrop.lipsync.face;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Detected faces per source frame and Wav2Lip's temporal smoothing: the box of frame i is the mean of
 * the boxes of frames [i, i+T) (the last T frames near the end), which removes cascade jitter.
 * Frames without a detection take the mean of the detections in their window; a window without any
 * detection means the frame has no face and passes through unchanged.
 * When only every {@code every}-th frame is detected (to save CPU), the window spans T detections,
 * T x every frames, so the other frames get a box interpolated from their neighbours' detections.
 * With every = 1 this is exactly Wav2Lip's rule. Holds one small object per source frame.
 */
public final class FaceTrack {
    private final int window;
    private final List<FaceBox> raw = new ArrayList<>();
    private int sourceFrames = -1;

    public FaceTrack(int window) { this(window, 1); }

    public FaceTrack(int window, int every) { this.window = window * Math.max(1, every); }

    public void record(int sourceIndex, Optional<FaceBox> detection) {
        if (sourceIndex != raw.size()) throw new IllegalStateException("detections must arrive in source order");
        raw.add(detection.orElse(null));
    }

    public boolean hasDetection(int sourceIndex) { return sourceIndex < raw.size(); }

    /** Marks the end of the source: windows near the end use the last {@code window} frames. */
    public void end(int totalSourceFrames) { this.sourceFrames = totalSourceFrames; }

    /** True when the smoothed box of {@code sourceIndex} no longer depends on frames still to come. */
    public boolean isSettled(int sourceIndex) {
        return sourceFrames >= 0 || sourceIndex + window <= raw.size();
    }

    public Optional<FaceBox> smoothed(int sourceIndex) {
        int n = sourceFrames >= 0 ? sourceFrames : raw.size();
        int start = sourceIndex + window > n ? Math.max(0, n - window) : sourceIndex;
        int end = Math.min(n, start + window);
        double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
        int count = 0;
        for (int i = start; i < end; i++) {
            FaceBox b = raw.get(i);
            if (b == null) continue;
            x1 += b.x1(); y1 += b.y1(); x2 += b.x2(); y2 += b.y2();
            count++;
        }
        if (count == 0) return Optional.empty();
        return Optional.of(new FaceBox((int) Math.round(x1 / count), (int) Math.round(y1 / count),
                (int) Math.round(x2 / count), (int) Math.round(y2 / count)));
    }
}
