package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.HeadPose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan never pastes a mouth from another pose, and keeps a frame's own mouth where nothing is near its pose. */
class MouthPlannerTest {
    /** A library of a presenter who spoke facing the camera (yaw within 4 degrees), then turned 25 degrees and was silent. */
    private static MouthLibrary library() {
        List<MouthEntry> entries = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            float opening = (float) (0.02 + 0.15 * Math.abs(Math.sin(i / 3.0)));
            entries.add(new MouthEntry(i, opening, 0.45f + 0.02f * (i % 5), 0.1f, new HeadPose(4 * Math.sin(i / 7.0), -5, 0),
                    null, null, null, null));
        }
        for (int i = 80; i < 100; i++) entries.add(new MouthEntry(i, 0.02f, 0.44f, 0.1f, new HeadPose(25, -5, 0), null, null, null, null));
        return new MouthLibrary(entries, 100, java.util.Map.of());
    }

    /** Speech all along: syllables opening and closing. */
    private static MouthTarget[] speech(int n) {
        MouthTarget[] targets = new MouthTarget[n];
        for (int t = 0; t < n; t++) targets[t] = new MouthTarget((float) Math.abs(Math.sin(t / 2.0)), 0);
        return targets;
    }

    @Test
    void aTurnedFrameGetsOnlyMouthsOfItsPoseOrKeepsItsOwn() {
        try (MouthLibrary library = library()) {
            int n = 60;
            MouthTarget[] targets = speech(n);
            HeadPose[] poses = new HeadPose[n];
            for (int t = 0; t < n; t++) poses[t] = t < 30 ? new HeadPose(0, -5, 0) : new HeadPose(27, -5, 0); // then the head turns
            int[] plan = MouthPlanner.plan(library, targets, poses);
            int own = 0, turnedOpen = 0;
            for (int t = 0; t < n; t++) {
                if (plan[t] == MouthPlanner.OWN) { own++; continue; }
                MouthEntry e = library.get(plan[t]);
                assertTrue(e.pose().gap(poses[t]) <= MouthPlanner.POSE_GATE, "frame " + t + " got a mouth " + e.pose().gap(poses[t]) + " degrees off");
                if (t >= 30 && e.opening() > 0.05) turnedOpen++;
            }
            // facing the camera, the speaking mouths serve; turned, only the turned (closed) ones are in the pose
            for (int t = 0; t < 30; t++) assertTrue(plan[t] != MouthPlanner.OWN && plan[t] < 80, "frontal frame " + t + ": " + plan[t]);
            assertEquals(0, turnedOpen);
            System.out.printf("turned frames that kept their own mouth: %d of 30%n", own);
        }
    }

    @Test
    void aFrameNoLibraryMouthIsNearInPoseKeepsItsOwn() {
        try (MouthLibrary library = library()) {
            int n = 40;
            MouthTarget[] targets = speech(n);
            HeadPose[] poses = new HeadPose[n];
            for (int t = 0; t < n; t++) poses[t] = t % 20 < 10 ? new HeadPose(0, -5, 0) : new HeadPose(-30, -5, 0); // turned the other way: no mouth
            int[] plan = MouthPlanner.plan(library, targets, poses);
            for (int t = 0; t < n; t++) {
                if (t % 20 < 10) assertTrue(plan[t] >= 0 && plan[t] < 80, "frontal frame " + t + ": " + plan[t]);
                else assertEquals(MouthPlanner.OWN, plan[t], "turned frame " + t);
            }
        }
    }

    @Test
    void withoutPosesEveryFrameGetsALibraryMouth() {
        try (MouthLibrary library = library()) {
            MouthTarget[] targets = new MouthTarget[40];
            for (int t = 0; t < 40; t++) targets[t] = new MouthTarget(t % 2, 0);
            for (int k : MouthPlanner.plan(library, targets, null)) assertTrue(k >= 0);
        }
    }

    /**
     * Frames settled while the targets are still coming (the video is made as the speech is heard) get exactly the
     * mouths the search over the whole video gives, and the search settles frames before the last. This library's
     * long runs of consecutive mouths keep many paths open (848 frames at most, here); real presenters' libraries, of
     * 30 to 60 mouths, settle within 17 frames.
     */
    @Test
    void settlingAsTargetsComeGivesTheWholeVideosPlan() {
        try (MouthLibrary library = library()) {
            int n = 1500, widest = 0;
            for (long seed = 1; seed <= 6; seed++) {
                java.util.Random random = new java.util.Random(seed);
                MouthTarget[] targets = new MouthTarget[n];
                HeadPose[] poses = new HeadPose[n];
                double yaw = 0;
                for (int t = 0; t < n; t++) {
                    // syllables at a varying rate with pauses, and a head that wanders and sometimes turns away
                    float open = t % 120 < 20 ? 0 : (float) Math.abs(Math.sin(t / (1.5 + random.nextDouble())));
                    targets[t] = new MouthTarget(open, (float) (random.nextDouble() - 0.5));
                    yaw = Math.max(-30, Math.min(30, yaw + random.nextGaussian()));
                    poses[t] = new HeadPose(yaw, -5, 0);
                }
                MouthPlanner whole = new MouthPlanner(library, n, poses).withoutMerging();
                for (MouthTarget target : targets) whole.add(target);
                MouthPlanner streamed = new MouthPlanner(library, n, poses);
                int[] asSettled = new int[n];
                int read = 0;
                for (int t = 0; t < n; t++) {
                    streamed.add(targets[t]);
                    widest = Math.max(widest, streamed.fed() - streamed.settled());
                    for (; read < streamed.settled(); read++) asSettled[read] = streamed.choice(read); // read at once, as a render does
                }
                assertEquals(n, streamed.settled());
                for (int t = 0; t < n; t++) assertEquals(whole.choice(t), asSettled[t], "seed " + seed + ", frame " + t);
            }
            System.out.printf("widest open span: %d frames%n", widest);
            assertTrue(widest < n, "the plan settles behind its front, not only at the end: " + widest);
        }
    }
}
