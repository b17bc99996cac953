package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.HeadPose;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.testing.FaceModelsForTests;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The paste's map turns a mouth with the head. On a real presenter who turns his head, take pairs of frames whose
 * mouths have the same shape but whose heads differ by 6 to 14 degrees of yaw: carried onto the second frame, the
 * first frame's lips should land on the second frame's own lips. Measured for the triangle warp ({@link PasteMesh})
 * and for the three-point map by eyes and nose that pasted mouths before ({@link MouthFrame}).
 */
class PasteMeshTest {
    @Test
    void aMouthCarriedToAnotherPoseLandsOnThatPosesLips() throws Exception {
        Path video = MouthMethodTest.REAL.resolve("liveportrait__d12.mp4");
        assumeTrue(Files.isRegularFile(video), "../shared/media/real is not here");
        List<FaceShape> shapes = new ArrayList<>();
        try (FaceStage stage = FaceModelsForTests.stages().open(); TemplateSource source = new TemplateSource(video, 16)) {
            source.firstPass(200, (i, m) -> {
                stage.observe(i, m);
                shapes.add(stage.measured(i).orElse(null));
            });
        }
        double meshError = 0, flatError = 0;
        int pairs = 0;
        for (int a = 0; a < shapes.size(); a++) for (int b = 0; b < shapes.size(); b++) {
            FaceShape s = shapes.get(a), t = shapes.get(b);
            if (s == null || t == null || !MouthFrame.regular(s) || !MouthFrame.regular(t)) continue;
            HeadPose ps = s.headPose(), pt = t.headPose();
            double yaw = Math.abs(ps.yaw() - pt.yaw());
            if (yaw < 6 || yaw > 14 || Math.abs(ps.pitch() - pt.pitch()) > 4) continue;
            if (Math.abs(s.mouthOpening() - t.mouthOpening()) > 0.015 || Math.abs(s.mouthWidth() - t.mouthWidth()) > 0.015) continue;
            double[] e = errors(s, t);
            meshError += e[0];
            flatError += e[1];
            pairs++;
        }
        assertTrue(pairs >= 20, "too few pairs of like mouths in unlike poses: " + pairs);
        meshError /= pairs;
        flatError /= pairs;
        System.out.printf("%d pairs (yaw 6..14 degrees apart, same mouth shape): lips land %.2f eye-span %% from the frame's own "
                + "with the triangle warp, %.2f with the three-point map%n", pairs, meshError, flatError);
        assertTrue(meshError < 0.85 * flatError, "the triangle warp does not follow the head better: " + meshError + " vs " + flatError);
    }

    /** Mean distance of the outer lip points from the target's own, in hundredths of its eye span: {mesh, flat}. */
    private static double[] errors(FaceShape s, FaceShape t) {
        double mesh = 0, flat = 0;
        try (Mat toPatch = MouthFrame.toPatch(s); Mat fromPatch = MouthFrame.fromPatch(t); PasteMesh paste = new PasteMesh()) {
            MouthEntry entry = new MouthEntry(0, 0, 0, 0, s.headPose(), null, PasteMesh.points(s, toPatch), null, null);
            PasteMesh.Placement placed = paste.place(entry, t);
            for (int i : FaceShape.LIPS_OUTER) {
                int k = PasteMesh.slot(i);
                mesh += Math.hypot(placed.frame()[2 * k] - t.x(i), placed.frame()[2 * k + 1] - t.y(i));
                double[] p = MouthFrame.apply(toPatch, s.x(i), s.y(i)), f = MouthFrame.apply(fromPatch, p[0], p[1]);
                flat += Math.hypot(f[0] - t.x(i), f[1] - t.y(i));
            }
        }
        int n = FaceShape.LIPS_OUTER.length;
        return new double[] {100 * mesh / n / t.eyeSpan(), 100 * flat / n / t.eyeSpan()};
    }
}
