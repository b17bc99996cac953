package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.MouthMask;
import io.lipdrop.lipsync.video.Timeline;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.Sobel;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Without a neural model a real presenter says the new audio (driven by the heard phonemes, as in a job), measured
 * with the face mesh on the output: the
 * mouth no longer follows the template's own words, closes in silence, rises and falls with the syllables; the
 * upper face is the template's and no seam shows. Speech: the fixture with 3 s of silence in its middle.
 */
class MouthMethodTest {
    static final Path REAL = Path.of(System.getProperty("lipdrop.app", ".")).resolve("../shared/media/real").normalize();
    @TempDir Path dir;

    record Figures(double templateCorrelation, double silence, double speech, double syllables, SyncResult result) {
        double silenceRatio() { return silence / speech; }
    }

    /** Makes {@code template} say the speech with a silence, and measures the output against the template. */
    private Figures run(Path template, String name) throws Exception {
        return run(template, name, FaceModelsForTests.visemes());
    }

    private Figures run(Path template, String name, io.lipdrop.lipsync.audio.visemes.VisemeClassifier visemes) throws Exception {
        Path speech = Fixtures.copy("speech_en_16k.wav", dir);
        Path audio = MouthMeasure.speechWithSilence(speech, dir.resolve("gap.wav"), 3);
        double gapStart = MouthMeasure.silenceStart(speech), gapEnd = gapStart + 3;
        Path out = dir.resolve(name + ".mp4");
        java.util.List<Integer> progress = new java.util.ArrayList<>();
        // as a job makes it: the recogniser's words and the aligned phonemes drive the mouths (without the viseme
        // model, this test's loudness case, nothing is heard either)
        io.lipdrop.lipsync.HeardSpeech heard = visemes == null ? io.lipdrop.lipsync.HeardSpeech.NONE
                : io.lipdrop.testing.SpeechForTests.heard(audio);
        SyncResult r = new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages(), visemes)
                .sync(audio, template, out, (done, total) -> progress.add(done), heard);
        String targets = String.valueOf(r.method().get("targets"));
        assertTrue(visemes == null ? targets.equals("loudness") : targets.startsWith("asr:") || targets.startsWith("phonemes:"),
                targets + " " + r.method().get("targetShares"));
        // progress only goes forward, to the last frame (a talking template is made twice: the few frames of the
        // stopped first pass may or may not have reached the encoder, so this cannot always catch a step back)
        for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i) > progress.get(i - 1), "progress went back: " + progress);
        assertEquals(r.frames(), progress.get(progress.size() - 1));
        double[] output = MouthMeasure.openings(MouthMeasure.shapes(out));
        double[] own = MouthMeasure.openings(MouthMeasure.shapes(template));
        double[] sameSource = new double[output.length];
        for (int i = 0; i < output.length; i++) sameSource[i] = own[own.length == 1 ? 0 : Timeline.pingPong(i, own.length)];
        double[] loud = MouthMeasure.loudness(audio, r.fps(), output.length);
        boolean[] speaking = new boolean[output.length];
        double silence = 0, spoken = 0;
        int inSilence = 0, inSpeech = 0;
        for (int i = 0; i < output.length; i++) {
            double t = (i + 0.5) / r.fps();
            if (Double.isNaN(output[i])) continue;
            // a fifth of a second either side of the gap's edges belongs to neither (the mouth may lead)
            if (t > gapStart + 0.2 && t < gapEnd - 0.2) { silence += output[i]; inSilence++; }
            if (t < gapStart - 0.2 || t > gapEnd + 0.2) { spoken += output[i]; inSpeech++; speaking[i] = true; }
        }
        Figures f = new Figures(MouthMeasure.correlation(output, sameSource), silence / inSilence, spoken / inSpeech,
                MouthMeasure.followsSyllables(output, loud, speaking), r);
        System.out.printf("%s: %s (%s), correlation with the template's own mouth %.3f, mean opening silence %.4f / speech %.4f (%.2f),"
                        + " opening~loudness in speech %.3f%n", name, r.model(), r.method(), f.templateCorrelation(), f.silence(), f.speech(),
                f.silenceRatio(), f.syllables());
        return f;
    }

    @Test
    void aRealTalkingPresenterSaysTheNewAudio() throws Exception {
        Path template = REAL.resolve("sadtalker__WDA_AlexandriaOcasioCortez_000.mp4");
        assumeTrue(Files.isRegularFile(template), "../shared/media/real is not here");
        Figures f = run(template, "news");
        assertEquals("mouth-library", f.result().model());
        assertTalkingFoundEarly(f.result());
        assertTrue(f.templateCorrelation() <= 0.4, "still mouthing the template's words: " + f.templateCorrelation());
        assertTrue(f.silenceRatio() <= 0.5, "mouth in the silence " + f.silence() + " vs speech " + f.speech());
        assertTrue(f.syllables() >= 0.3, "opening follows the loudness in speech: " + f.syllables());
        assertUpperFaceKeptAndNoSeam(template, f.result());
    }

    /**
     * Our own talking template, made without ../shared: the astronaut photo made to say the Mandarin fixture (the
     * photo warp), then used as a template for the English speech with a silence.
     */
    @Test
    void ourOwnTalkingTemplateSaysOtherWords() throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path mandarin = Fixtures.copy("speech_zh_16k.wav", dir);
        Path template = dir.resolve("talking.mp4");
        SyncResult made = new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages()).sync(mandarin, photo, template, null);
        assertEquals("photo-warp", made.model());
        assertEquals(1, made.method().get("templatePasses"), "a photo is made in one pass: " + made.method());
        Figures f = run(template, "own");
        assertEquals("mouth-library", f.result().model());
        assertTalkingFoundEarly(f.result());
        assertTrue((int) f.result().method().get("distinctMouthShapes") >= MouthMethod.MIN_SHAPES, f.result().method().toString());
        assertTrue(f.templateCorrelation() <= 0.4, "still mouthing the template's words: " + f.templateCorrelation());
        assertTrue(f.silenceRatio() <= 0.5, "mouth in the silence " + f.silence() + " vs speech " + f.speech());
        assertTrue(f.syllables() >= 0.3, "opening follows the loudness in speech: " + f.syllables());
        assertUpperFaceKeptAndNoSeam(template, f.result());
    }

    /**
     * A talking template stops the photo warp's single pass within its first second (the cost of trying the warp
     * first), then is read for its mouths and made again: two passes.
     */
    private static void assertTalkingFoundEarly(SyncResult r) {
        assertEquals(2, r.method().get("templatePasses"), r.method().toString());
        int stoppedAt = (int) r.method().get("warpPassStoppedAtFrame");
        assertTrue(stoppedAt < r.fps(), "the warp's pass ran " + stoppedAt + " frames before the template's mouths offered a library");
    }

    /** Without the viseme model the mouth still follows the speech, from its loudness. */
    @Test
    void withoutTheVisemeModelTheLoudnessDrivesTheMouth() throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path template = dir.resolve("talking.mp4");
        new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages()).sync(Fixtures.copy("speech_zh_16k.wav", dir), photo, template, null);
        Figures f = run(template, "own", null);
        assertEquals("mouth-library", f.result().model());
        assertTrue(f.templateCorrelation() <= 0.4, "still mouthing the template's words: " + f.templateCorrelation());
        assertTrue(f.silenceRatio() <= 0.5, "mouth in the silence " + f.silence() + " vs speech " + f.speech());
        assertTrue(f.syllables() >= 0.3, "opening follows the loudness in speech: " + f.syllables());
    }

    @Test
    void aPhotoOpensWithTheSpeechAndClosesInSilence() throws Exception {
        Figures f = run(Fixtures.copy("face_astronaut.png", dir), "photo");
        assertEquals("photo-warp", f.result().model());
        assertTrue(f.silenceRatio() <= 0.5, "mouth in the silence " + f.silence() + " vs speech " + f.speech());
        assertTrue(f.speech() > 0.08, "the mouth opens while speaking: " + f.speech());
        assertTrue(f.syllables() >= 0.3, "opening follows the loudness in speech: " + f.syllables());
    }

    /**
     * Above the nose every output frame is its template frame (only the encoder's noise differs); along the lower
     * face's outline, where the blend feathers, the picture is no sharper than the template there (no seam).
     */
    private void assertUpperFaceKeptAndNoSeam(Path template, SyncResult r) throws Exception {
        List<Mat> out = TestMedia.frames(dir.resolve(r.model().equals("mouth-library") ? (template.getFileName().toString().startsWith("talking") ? "own.mp4" : "news.mp4") : "photo.mp4"));
        List<Mat> own = TestMedia.frames(template);
        List<FaceShape> faces = MouthMeasure.shapes(template);
        // the same frames through the same encoder untouched: the noise re-encoding alone adds
        List<Mat> reencoded = TestMedia.frames(TestMedia.write(dir.resolve("reencoded.mp4"), own.get(0).cols(), own.get(0).rows(), r.fps(),
                own.size(), k -> own.get(k).clone()));
        double upperDiff = 0, upperNoise = 0, seamOut = 0, seamTemplate = 0;
        int frames = 0;
        for (int i = 0; i < out.size(); i += 10) {
            int s = Timeline.pingPong(i, own.size());
            FaceShape face = faces.get(s);
            if (face == null) continue;
            Mat a = out.get(i), b = own.get(s);
            double eyesY = (face.y(FaceShape.RIGHT_EYE_OUTER) + face.y(FaceShape.LEFT_EYE_OUTER)) / 2;
            int upper = (int) Math.round((eyesY + face.y(1)) / 2);
            upperDiff += meanAbsDiff(a, b, upper);
            upperNoise += meanAbsDiff(reencoded.get(s), b, upper);
            double[] seam = seamSharpness(a, b, face);
            seamOut += seam[0];
            seamTemplate += seam[1];
            frames++;
        }
        upperDiff /= frames;
        upperNoise /= frames;
        seamOut /= frames;
        seamTemplate /= frames;
        System.out.printf("upper face mean |difference| %.2f levels (re-encoding alone %.2f); edge strength along the blend's outline %.2f"
                + " (template %.2f)%n", upperDiff, upperNoise, seamOut, seamTemplate);
        assertTrue(upperDiff < upperNoise + 0.5, "upper face changed: " + upperDiff + " against re-encoding's " + upperNoise);
        assertTrue(seamOut < seamTemplate * 1.3 + 2, "a seam: edges " + seamOut + " against the template's " + seamTemplate);
    }

    private static double meanAbsDiff(Mat a, Mat b, int rows) {
        double sum = 0;
        try (UByteIndexer x = a.createIndexer(); UByteIndexer y = b.createIndexer()) {
            for (int r = 0; r < rows; r++) for (int c = 0; c < a.cols(); c++) for (int k = 0; k < 3; k++) sum += Math.abs(x.get(r, c, k) - y.get(r, c, k));
        }
        return sum / Math.max(1, rows * a.cols() * 3.0);
    }

    /** Mean gradient magnitude (grey levels per pixel) in a band along the lower face's outline: output, template. */
    private static double[] seamSharpness(Mat out, Mat template, FaceShape face) {
        int n = MouthMask.JAW.length + MouthMask.TOP.length;
        double mx = face.mouthCenterX(), my = face.mouthCenterY();
        Mat region = new Mat(out.rows(), out.cols(), CV_8U, new Scalar(0));
        try (Mat pts = new Mat(n, 1, CV_32SC2); Mat hull = new Mat()) {
            try (IntIndexer p = pts.createIndexer()) {
                int k = 0;
                for (int i : MouthMask.JAW) {
                    p.put(k, 0, 0, (int) Math.round(face.x(i) + (face.x(i) - mx) * MouthMask.JAW_MARGIN));
                    p.put(k++, 0, 1, (int) Math.round(face.y(i) + (face.y(i) - my) * MouthMask.JAW_MARGIN));
                }
                for (int i : MouthMask.TOP) {
                    p.put(k, 0, 0, (int) Math.round(face.x(i)));
                    p.put(k++, 0, 1, (int) Math.round(face.y(i)));
                }
            }
            convexHull(pts, hull);
            fillConvexPoly(region, hull, new Scalar(255, 255, 255, 255));
        }
        int width = (int) Math.ceil(MouthMask.featherPixels(face));
        Mat grown = new Mat(), shrunk = new Mat(), band = new Mat();
        try (Mat kernel = getStructuringElement(MORPH_ELLIPSE, new Size(2 * width + 1, 2 * width + 1))) {
            dilate(region, grown, kernel);
            erode(region, shrunk, kernel);
        }
        org.bytedeco.opencv.global.opencv_core.subtract(grown, shrunk, band);
        return new double[] {gradient(out, band), gradient(template, band)};
    }

    private static double gradient(Mat bgr, Mat band) {
        Mat gray = new Mat(), gx = new Mat(), gy = new Mat();
        cvtColor(bgr, gray, COLOR_BGR2GRAY);
        Sobel(gray, gx, CV_32F, 1, 0);
        Sobel(gray, gy, CV_32F, 0, 1);
        double sum = 0;
        int n = 0;
        try (FloatIndexer x = gx.createIndexer(); FloatIndexer y = gy.createIndexer(); UByteIndexer m = band.createIndexer()) {
            for (int r = 0; r < bgr.rows(); r++) for (int c = 0; c < bgr.cols(); c++) {
                if (m.get(r, c) == 0) continue;
                sum += Math.hypot(x.get(r, c), y.get(r, c)) / 8; // Sobel's 3x3 kernel weighs 8
                n++;
            }
        }
        return sum / Math.max(1, n);
    }
}
