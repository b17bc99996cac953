package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.Padding;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.lipsync.video.Picture;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.hconcat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A talking photo makes each vowel's own mouth: the photo warp driven by the targets {@link VisemeTargets} gives the
 * visemes "ih" (ee), "ou" (oo), "aa" and "PP" (p/b/m), the frames encoded and decoded with FFmpeg, and the face mesh
 * run on what comes out. "ee" is wide and flat, "oo" narrow and round, "aa" tall; p/b/m closed. The lower faces
 * are written side by side to target/photo-visemes/ to be looked at.
 */
class PhotoVisemesTest {
    static final Path PICTURES = Path.of(System.getProperty("lipdrop.app", ".")).resolve("target/photo-visemes");
    /** What a viewer hears, and the viseme the classifier gives it. */
    static final String[][] SOUNDS = {{"photo", null}, {"ee", "ih"}, {"oo", "ou"}, {"aa", "aa"}, {"closed", "PP"}};
    @TempDir Path dir;

    /** The mouth as the mesh sees it, in eye spans: corner to corner, outer lips' height, inner gap. */
    record Mouth(double width, double height, double gap) {
        static Mouth of(FaceShape s) {
            double eye = s.eyeSpan();
            return new Mouth(s.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT) / eye, s.distance(0, 17) / eye, s.mouthOpening());
        }
        double ratio() { return width / height; }
        @Override public String toString() { return String.format("width %.3f height %.3f gap %.3f width/height %.2f", width, height, gap, ratio()); }
    }

    @Test
    void theAstronautSaysEeOoAaAndCloses() throws Exception {
        assertVowelsDiffer(Fixtures.copy("face_astronaut.png", dir), "astronaut");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hallo__6.jpg", "hallo__3.jpg", "sadtalker__people_0.png", "liveportrait__s12.jpg", "musetalk__musk.png"})
    void realPhotosSayEeOoAaAndClose(String name) throws Exception {
        Path photo = MouthMethodTest.REAL.resolve(name);
        assumeTrue(Files.isRegularFile(photo), "../shared/media/real is not here");
        assertVowelsDiffer(photo, name.replaceAll("\\..*", ""));
    }

    private void assertVowelsDiffer(Path photo, String name) throws Exception {
        Mouth[] m = measure(photo, name);
        Mouth ee = m[1], oo = m[2], aa = m[3], closed = m[4];
        Mouth photoMouth = m[0];
        System.out.printf("%s: photo %s%n  ee %s%n  oo %s%n  aa %s%n  closed %s%n", name, photoMouth, ee, oo, aa, closed);
        // margins from six photos (the astronaut and five from ../shared/media/real), the closest of each noted
        assertTrue(ee.ratio() >= 1.4 * aa.ratio(), name + ": \"ee\" is not wide and flat against \"aa\" (1.71 at least measured)");
        assertTrue(ee.ratio() >= 1.08 * oo.ratio(), name + ": \"ee\" is not flatter than \"oo\" (1.13)");
        assertTrue(oo.ratio() >= 1.15 * aa.ratio(), name + ": \"aa\" is not taller for its width than \"oo\" (1.26)");
        assertTrue(ee.width() >= 1.015 * photoMouth.width(), name + ": \"ee\" does not widen the mouth (1.029)");
        assertTrue(oo.width() <= 0.95 * ee.width(), name + ": \"oo\" is not narrower than \"ee\" (0.91)");
        assertTrue(oo.width() <= 0.97 * photoMouth.width(), name + ": \"oo\" does not draw the corners in (0.952)");
        assertTrue(aa.height() >= 1.3 * ee.height(), name + ": \"aa\" is not taller than \"ee\" (1.57)");
        assertTrue(aa.gap() >= 0.14 && aa.gap() >= 1.8 * ee.gap(), name + ": \"aa\" does not drop the jaw (0.180, 2.05x)");
        // p/b/m: the lips meet (a photo whose own mouth is open, its teeth showing, closes to under half its gap)
        assertTrue(closed.gap() <= Math.max(0.03, 0.55 * photoMouth.gap()), name + ": p/b/m does not close the lips (0.052 of 0.115)");
    }

    /** The photo's mouth, then each sound's, as the mesh measures them on the encoded and decoded frames. */
    private Mouth[] measure(Path photo, String name) throws Exception {
        Mat image = imread(photo.toString(), IMREAD_COLOR);
        // an even size for the encoder's yuv420p
        Mat still = image.apply(new Rect(0, 0, image.cols() & ~1, image.rows() & ~1)).clone();
        FaceShape face = MouthMeasure.measured(TestMedia.write(dir.resolve(name + "-still.mp4"), still.cols(), still.rows(), 25, 1,
                i -> still.clone())).get(0);
        assertNotNull(face, "no face in " + photo);
        List<Mat> frames = new ArrayList<>();
        try (PhotoMouthWarp warp = new PhotoMouthWarp()) {
            for (String[] sound : SOUNDS) {
                Mat frame = still.clone();
                if (sound[1] != null) {
                    float[] shape = VisemeTargets.SHAPES.get(sound[1]);
                    try (Picture p = Picture.view(frame)) { warp.apply(p, face, new MouthTarget(shape[0], shape[1])); }
                }
                frames.add(frame);
            }
        }
        Path video = TestMedia.write(dir.resolve(name + ".mp4"), still.cols(), still.rows(), 25, frames.size(), i -> frames.get(i).clone());
        List<FaceShape> seen = MouthMeasure.measured(video);
        List<Mat> decoded = TestMedia.frames(video);
        writeLowerFaces(decoded, face, name);
        Mouth[] out = new Mouth[SOUNDS.length];
        for (int i = 0; i < SOUNDS.length; i++) {
            assertNotNull(seen.get(i), "no face in the " + SOUNDS[i][0] + " frame of " + name);
            out[i] = Mouth.of(seen.get(i));
        }
        return out;
    }

    /** The lower face of every frame side by side, enlarged, under target/photo-visemes/NAME.png. */
    private static void writeLowerFaces(List<Mat> frames, FaceShape face, String name) throws Exception {
        double eye = face.eyeSpan();
        int side = (int) Math.round(eye * 1.1);
        int x = (int) Math.round(face.mouthCenterX() - side / 2.0), y = (int) Math.round(face.mouthCenterY() - side * 0.45);
        x = Math.max(0, Math.min(frames.get(0).cols() - side, x));
        y = Math.max(0, Math.min(frames.get(0).rows() - side, y));
        int shown = Math.max(side, 320);
        try (org.bytedeco.opencv.opencv_core.MatVector row = new org.bytedeco.opencv.opencv_core.MatVector(); Mat sheet = new Mat()) {
            for (Mat f : frames) {
                Mat big = new Mat();
                resize(f.apply(new Rect(x, y, side, side)), big, new Size(shown, shown), 0, 0, INTER_CUBIC);
                row.push_back(big);
            }
            hconcat(row, sheet);
            Files.createDirectories(PICTURES);
            imwrite(PICTURES.resolve(name + ".png").toString(), sheet);
        }
    }
}
