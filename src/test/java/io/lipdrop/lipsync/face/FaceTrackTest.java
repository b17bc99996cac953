package io.lipdrop.lipsync.face;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceTrackTest {
    @Test
    void paddingFollowsWav2LipAndStaysInTheFrame() {
        FaceBox b = new FaceBox(10, 20, 110, 120).padded(0, 10, 0, 0, 640, 480);
        assertEquals(new FaceBox(10, 20, 110, 130), b);
        assertEquals(new FaceBox(0, 0, 640, 480), new FaceBox(5, 5, 635, 475).padded(10, 10, 10, 10, 640, 480));
    }

    @Test
    void boxesAreTheMeanOfTheNextFiveFramesAndTheLastFiveAtTheEnd() {
        FaceTrack track = new FaceTrack(5);
        for (int i = 0; i < 8; i++) track.record(i, Optional.of(new FaceBox(i * 10, 0, i * 10 + 100, 100)));
        assertTrue(track.isSettled(3));
        assertFalse(track.isSettled(4), "frame 4 still waits for frame 8");
        assertEquals(20, track.smoothed(0).orElseThrow().x1()); // mean of 0,10,20,30,40
        track.end(8);
        assertEquals(50, track.smoothed(6).orElseThrow().x1()); // last five: 30..70
    }

    @Test
    void aMissedDetectionBorrowsItsWindowAndAnEmptyWindowMeansNoFace() {
        FaceTrack track = new FaceTrack(5);
        track.record(0, Optional.empty());
        track.record(1, Optional.of(new FaceBox(10, 10, 50, 50)));
        for (int i = 2; i < 12; i++) track.record(i, Optional.empty());
        track.end(12);
        assertEquals(new FaceBox(10, 10, 50, 50), track.smoothed(0).orElseThrow());
        assertTrue(track.smoothed(3).isEmpty());
    }
}
