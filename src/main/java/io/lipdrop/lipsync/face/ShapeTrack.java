package io.lipdrop.lipsync.face;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The presenter's landmarks per source frame and their temporal smoothing: frame i gets the Gaussian-weighted
 * mean of the frames within {@code reach} of it on both sides. A centred window removes the mesh's
 * frame-to-frame jitter without lagging behind the head as a trailing average would. A frame whose own
 * landmarks are missing (not measured, with detect-every &gt; 1, or lost for a frame) is interpolated when the
 * presenter is held on both sides of it (or, within the window of the template's first or last frame, on one
 * side); otherwise it has no face and passes through unchanged.
 * Holds one small shape per source frame (the ping-pong timeline replays source frames backwards).
 */
public final class ShapeTrack {
    private final int reach;
    private final double sigma;
    private final List<FaceShape> raw = new ArrayList<>();
    private int sourceFrames = -1;

    /** @param window frames averaged at full rate (odd; 5 means two on each side) @param every measured frame spacing */
    public ShapeTrack(int window, int every) {
        this.reach = Math.max(1, window / 2) * Math.max(1, every);
        this.sigma = Math.max(1.0, reach / 2.0);
    }

    public void record(int sourceIndex, Optional<FaceShape> shape) {
        if (sourceIndex != raw.size()) throw new IllegalStateException("landmarks must arrive in source order");
        raw.add(shape.orElse(null));
    }

    public boolean hasObservation(int sourceIndex) { return sourceIndex < raw.size(); }
    /** The shape recorded for this frame, unsmoothed. */
    public Optional<FaceShape> raw(int sourceIndex) { return Optional.ofNullable(raw.get(sourceIndex)); }
    public void end(int totalSourceFrames) { this.sourceFrames = totalSourceFrames; }

    public boolean isSettled(int sourceIndex) {
        return sourceFrames >= 0 || sourceIndex + reach < raw.size();
    }

    public Optional<FaceShape> smoothed(int sourceIndex) {
        int n = sourceFrames >= 0 ? sourceFrames : raw.size();
        int from = Math.max(0, sourceIndex - reach), to = Math.min(n - 1, sourceIndex + reach);
        FaceShape[] shapes = new FaceShape[to - from + 1];
        double[] weights = new double[shapes.length];
        int count = 0;
        boolean before = false, after = false;
        for (int j = from; j <= to; j++) {
            FaceShape s = raw.get(j);
            if (s == null) continue;
            before |= j < sourceIndex;
            after |= j > sourceIndex;
            shapes[count] = s;
            double d = j - sourceIndex;
            weights[count++] = Math.exp(-d * d / (2 * sigma * sigma));
        }
        if (count == 0) return Optional.empty();
        boolean own = raw.get(sourceIndex) != null;
        boolean atEdge = sourceIndex - reach < 0 || sourceIndex + reach >= n;
        if (!own && !(before && after) && !atEdge) return Optional.empty();
        return Optional.of(FaceShape.mean(shapes, weights, count));
    }
}
