package io.lipdrop.lipsync.face;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeTrackTest {
    /** Every kept point at (x, y) plus the same offset: a face translated to x, y. */
    private static FaceShape at(double x, double y) {
        float[] xy = new float[FaceShape.KEPT.length * 2];
        for (int i = 0; i < FaceShape.KEPT.length; i++) {
            xy[2 * i] = (float) (x + i % 7);
            xy[2 * i + 1] = (float) (y + i % 5);
        }
        return new FaceShape(xy, 1f);
    }

    private static int slot(int meshIndex) {
        for (int i = 0; i < FaceShape.KEPT.length; i++) if (FaceShape.KEPT[i] == meshIndex) return i;
        throw new IllegalArgumentException();
    }

    private static double offsetX(int meshIndex) { return slot(meshIndex) % 7; }
    private static double offsetY(int meshIndex) { return slot(meshIndex) % 5; }

    @Test
    void smoothingRemovesJitterWithoutLaggingBehindSteadyMotion() {
        Random random = new Random(1);
        ShapeTrack track = new ShapeTrack(5, 1);
        int n = 200;
        for (int i = 0; i < n; i++) track.record(i, Optional.of(at(2.0 * i + random.nextGaussian() * 2, 100 + random.nextGaussian() * 2)));
        track.end(n);
        double rawError = 0, smoothError = 0;
        Random again = new Random(1);
        for (int i = 2; i < n - 2; i++) {
            double nx = again.nextGaussian() * 2, ny = again.nextGaussian() * 2;
            rawError += Math.hypot(nx, ny);
            FaceShape s = track.smoothed(i).orElseThrow();
            smoothError += Math.hypot(s.x(FaceShape.CHIN) - (2.0 * i + offsetX(FaceShape.CHIN)), s.y(FaceShape.CHIN) - (100 + offsetY(FaceShape.CHIN)));
        }
        assertTrue(smoothError < 0.6 * rawError, "smoothed error " + smoothError + " vs raw " + rawError);
    }

    @Test
    void aMissingFrameBetweenTwoHeldOnesIsInterpolatedButNotAfterTheFaceLeaves() {
        ShapeTrack track = new ShapeTrack(5, 1);
        for (int i = 0; i < 10; i++) track.record(i, Optional.of(at(10 * i, 0)));
        track.record(10, Optional.empty());
        for (int i = 11; i < 20; i++) track.record(i, Optional.of(at(10 * i, 0)));
        for (int i = 20; i < 40; i++) track.record(i, Optional.empty());
        track.end(40);
        assertEquals(100, track.smoothed(10).orElseThrow().x(FaceShape.FOREHEAD) - offsetX(FaceShape.FOREHEAD), 1.0);
        assertTrue(track.smoothed(19).isPresent());
        assertFalse(track.smoothed(20).isPresent(), "the face left: frame 20 passes through");
        assertFalse(track.smoothed(30).isPresent());
    }

    @Test
    void aFrameIsSettledOnceItsWindowIsComplete() {
        ShapeTrack track = new ShapeTrack(5, 3); // reach 6 frames
        for (int i = 0; i <= 6; i++) track.record(i, Optional.of(at(i, 0)));
        assertTrue(track.isSettled(0));
        assertFalse(track.isSettled(1));
        track.end(7);
        assertTrue(track.isSettled(6));
    }
}
