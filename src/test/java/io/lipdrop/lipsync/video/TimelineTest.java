package io.lipdrop.lipsync.video;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TimelineTest {
    @Test
    void shortTemplatesPlayBackAndForthWithoutAJumpCut() {
        int[] order = IntStream.range(0, 12).map(i -> Timeline.pingPong(i, 4)).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1}, order);
        for (int i = 1; i < 200; i++) {
            assertEquals(1, Math.abs(Timeline.pingPong(i, 7) - Timeline.pingPong(i - 1, 7)), "neighbouring frames at " + i);
        }
    }

    @Test
    void aSingleFrameIsHeld() {
        assertEquals(0, Timeline.pingPong(99, 1));
    }

    @Test
    void outputLastsAsLongAsTheAudioRoundedUpToAFrame() {
        assertEquals(250, Timeline.outputFrames(160_000, 16_000, 25));
        assertEquals(250, Timeline.outputFrames(159_793, 16_000, 25));
        assertEquals(300, Timeline.outputFrames(160_000, 16_000, 30000 / 1001.0));
        assertEquals(1, Timeline.outputFrames(10, 16_000, 25));
    }
}
