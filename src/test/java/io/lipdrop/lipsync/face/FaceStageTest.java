package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.UnusableInputException;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.PaintModel;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default face stage on our own media: what is not a face is refused, the mask follows the mouth, one presenter. */
class FaceStageTest {
    static Wav2LipModel red;
    @TempDir Path dir;

    @BeforeAll
    static void load() {
        red = Wav2LipModel.load("red", PaintModel.build(0, 0, 1), ProviderPreference.CPU, 2);
    }

    @AfterAll
    static void close() { red.close(); }

    private Path speech(double seconds) throws Exception {
        float[] pcm = new AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", dir));
        return TestMedia.wav(dir.resolve("speech.wav"), Arrays.copyOf(pcm, (int) (seconds * 16000)), 1);
    }

    private SyncResult sync(Path template, Path out, double seconds) throws Exception {
        return new LipSyncEngine(red, EngineSettings.defaults(), FaceModelsForTests.stages()).sync(speech(seconds), template, out, null);
    }

    @Test
    void aPhotoWithoutAPersonIsRefused() throws Exception {
        Path coffee = Fixtures.copy("noface_coffee.png", dir);
        UnusableInputException e = assertThrows(UnusableInputException.class, () -> sync(coffee, dir.resolve("o.mp4"), 1));
        assertTrue(e.reason().startsWith("no face was found in the picture"), e.reason());
    }

    @Test
    void aVideoOfTheCoffeePhotoPanningIsRefused() throws Exception {
        Path video = TestMedia.videoFromPhoto(Fixtures.copy("noface_coffee.png", dir), dir.resolve("coffee.mp4"), 640, 360, 3, 25);
        UnusableInputException e = assertThrows(UnusableInputException.class, () -> sync(video, dir.resolve("o.mp4"), 2));
        assertTrue(e.reason().startsWith("no face was found in any of its 50 frames"), e.reason());
    }

    /** A street with cars (windows, wheels, lights: the shapes that fooled the cascade) and a noisy texture. */
    @Test
    void aStreetAndATextureAreRefused() throws Exception {
        Path street = TestMedia.street(dir.resolve("street.mp4"), 640, 360, 75);
        Random random = new Random(7);
        Path texture = TestMedia.write(dir.resolve("texture.mp4"), 480, 360, 25, 50, i -> {
            Mat m = new Mat(360, 480, CV_8UC3);
            try (UByteIndexer ix = m.createIndexer()) {
                for (int y = 0; y < 360; y++) for (int x = 0; x < 480; x++) for (int c = 0; c < 3; c++)
                    ix.put(y, x, c, (int) (128 + 60 * Math.sin((x + 3 * i) / 9.0 + c) * Math.cos(y / 7.0) + random.nextInt(40)));
            }
            return m;
        });
        for (Path video : List.of(street, texture)) {
            UnusableInputException e = assertThrows(UnusableInputException.class, () -> sync(video, dir.resolve("o.mp4"), 2));
            assertTrue(e.reason().startsWith("no face was found in any of its"), video + ": " + e.reason());
        }
    }

    /**
     * A model that paints its whole output red shows red only inside the lower-face landmark mask plus its feather,
     * and nowhere above the nose; inside the mask it is red.
     */
    @Test
    void theMaskFollowsTheLowerFace() throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path out = dir.resolve("red.mp4");
        SyncResult r = sync(photo, out, 1);
        assertEquals(r.frames(), r.framesWithFace());
        Mat photoPixels = imread(photo.toString());
        // compared with the photo through the same H.264 encoding (LipDrop's own encoder, its colour conversion
        // included), so chroma subsampling at the suit's edges is not "paint"
        Path ref = dir.resolve("ref.mp4");
        try (io.lipdrop.lipsync.video.VideoEncoder encoder = new io.lipdrop.lipsync.video.VideoEncoder(ref, speech(1), photo,
                photoPixels.cols(), photoPixels.rows(), 25, 0, EngineSettings.defaults().encoders())) {
            for (int i = 0; i < 12; i++) encoder.write(photoPixels);
            encoder.finish();
        }
        Mat template = TestMedia.frames(ref).get(10);
        Mat frame = TestMedia.frames(out).get(10);
        FaceShape shape;
        try (FaceStage stage = FaceModelsForTests.stages().open()) {
            stage.observe(0, photoPixels);
            stage.end(1);
            shape = stage.face(0, template.cols(), template.rows()).orElseThrow().shape();
        }
        double feather = MouthMask.featherPixels(shape);
        // 3 standard deviations of feather, and 2 px for H.264's half-resolution chroma
        Mat region = lowerFaceRegion(shape, template, 3 * feather + 2);
        Mat core = lowerFaceRegion(shape, template, -2 * feather);
        int redOutside = 0, redInside = 0, coreCount = 0, reddened = 0, upperChanged = 0;
        // the upper face: everything above halfway between the eyes and the tip of the nose
        double upperY = (shape.y(FaceShape.RIGHT_EYE_OUTER) + shape.y(FaceShape.LEFT_EYE_OUTER)) / 4 + shape.y(1) / 2;
        try (UByteIndexer t = template.createIndexer(); UByteIndexer o = frame.createIndexer();
             UByteIndexer inRegion = region.createIndexer(); UByteIndexer inCore = core.createIndexer()) {
            for (int y = 0; y < template.rows(); y++) {
                for (int x = 0; x < template.cols(); x++) {
                    boolean red = painted(t, o, y, x);
                    if (red && inRegion.get(y, x) == 0) redOutside++;
                    if (red) redInside++;
                    if (y < upperY) {
                        for (int c = 0; c < 3; c++) if (Math.abs(o.get(y, x, c) - t.get(y, x, c)) > 16) { upperChanged++; break; }
                    }
                    if (inCore.get(y, x) != 0) {
                        coreCount++;
                        if (o.get(y, x, 2) > 200 && o.get(y, x, 0) < 60) reddened++;
                    }
                }
            }
        }
        assertEquals(0, redOutside, "red outside the landmark mask and its feather");
        assertEquals(0, upperChanged, "pixels changed in the upper face (eyes, forehead)");
        assertTrue(reddened > 0.95 * coreCount, "inside the mask: " + reddened + "/" + coreCount + " red");
        assertTrue(redInside > 0, "the model's output was used");
    }

    /** The pixel moved towards red (red up, green and blue down) well beyond what the encoder's noise does. */
    private static boolean painted(UByteIndexer template, UByteIndexer output, int y, int x) {
        int db = output.get(y, x, 0) - template.get(y, x, 0), dg = output.get(y, x, 1) - template.get(y, x, 1);
        int dr = output.get(y, x, 2) - template.get(y, x, 2);
        return dr - (db + dg) / 2 > 40;
    }

    /** The jaw-to-nose region of {@link MouthMask}, grown (or shrunk) by {@code margin} pixels, as a 0/255 mask. */
    private static Mat lowerFaceRegion(FaceShape s, Mat frame, double margin) {
        Mat m = new Mat(frame.rows(), frame.cols(), org.bytedeco.opencv.global.opencv_core.CV_8U, new Scalar(0));
        int[] ids = java.util.stream.IntStream.concat(Arrays.stream(MouthMask.JAW), Arrays.stream(MouthMask.TOP)).toArray();
        Mat pts = new Mat(ids.length, 1, org.bytedeco.opencv.global.opencv_core.CV_32SC2);
        double cx = s.mouthCenterX(), cy = s.mouthCenterY();
        try (org.bytedeco.javacpp.indexer.IntIndexer p = pts.createIndexer()) {
            for (int k = 0; k < ids.length; k++) {
                double x = s.x(ids[k]), y = s.y(ids[k]);
                boolean jaw = k < MouthMask.JAW.length;
                if (jaw) { x += (x - cx) * MouthMask.JAW_MARGIN; y += (y - cy) * MouthMask.JAW_MARGIN; }
                double d = Math.hypot(x - cx, y - cy);
                p.put(k, 0, 0, (int) Math.round(x + (x - cx) / d * margin));
                p.put(k, 0, 1, (int) Math.round(y + (y - cy) / d * margin));
            }
        }
        Mat hull = new Mat();
        org.bytedeco.opencv.global.opencv_imgproc.convexHull(pts, hull);
        org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly(m, hull, new Scalar(255, 255, 255, 255));
        return m;
    }

    /** Two people in the frame: only the presenter (the larger face) changes, in every frame. */
    @Test
    void twoFacesOnlyThePresenterChanges() throws Exception {
        Mat face = imread(Fixtures.copy("face_astronaut.png", dir).toString());
        Mat big = new Mat(), small = new Mat();
        resize(face, big, new Size(360, 360));
        resize(face, small, new Size(250, 250));
        Path video = TestMedia.write(dir.resolve("two.mp4"), 800, 400, 25, 50, i -> {
            Mat m = new Mat(400, 800, CV_8UC3, new Scalar(70, 70, 70, 0));
            big.copyTo(m.apply(new Rect(20 + i / 5, 20, 360, 360)));
            small.copyTo(m.apply(new Rect(520 - i / 5, 100, 250, 250)));
            return m;
        });
        Path out = dir.resolve("two-out.mp4");
        if (System.getProperty("keep.two") != null) out = Path.of(System.getProperty("keep.two"));
        SyncResult r = sync(video, out, 2);
        assertEquals(r.frames(), r.framesWithFace());
        List<Mat> before = TestMedia.frames(video), after = TestMedia.frames(out);
        for (int i = 0; i < after.size(); i++) {
            int redLeft = 0, redRight = 0;
            try (UByteIndexer t = before.get(i).createIndexer(); UByteIndexer o = after.get(i).createIndexer()) {
                for (int y = 0; y < 400; y++) for (int x = 0; x < 800; x++) {
                    boolean red = painted(t, o, y, x);
                    if (red && x < 400) redLeft++;
                    if (red && x >= 400) redRight++;
                }
            }
            assertTrue(redLeft > 300, "frame " + i + ": presenter's mouth painted (" + redLeft + ")");
            assertEquals(0, redRight, "frame " + i + ": the other face changed");
        }
    }

    /**
     * A presenter who holds still (a photo encoded as video: only the encoder's noise changes between frames) gets a
     * mouth that holds still: the smoothed mouth centre moves less than a third of a pixel per frame, and less than
     * the raw landmarks do.
     */
    @Test
    void aStillPresenterHoldsStill() throws Exception {
        Mat photo = imread(Fixtures.copy("face_astronaut.png", dir).toString());
        Path video = TestMedia.write(dir.resolve("still.mp4"), 512, 512, 25, 50, i -> photo.clone());
        List<Mat> frames = TestMedia.frames(video);
        double raw = 0, smoothed = 0;
        try (FaceStage stage = FaceModelsForTests.stages().open()) {
            for (int i = 0; i < frames.size(); i++) stage.observe(i, frames.get(i));
            stage.end(frames.size());
            FaceShape previous = null, previousRaw = null;
            for (int i = 0; i < frames.size(); i++) {
                FaceShape s = stage.face(i, 512, 512).orElseThrow().shape();
                if (previous != null) smoothed += Math.hypot(s.mouthCenterX() - previous.mouthCenterX(), s.mouthCenterY() - previous.mouthCenterY());
                previous = s;
            }
            // the raw landmarks: a stage that averages nothing
            try (FaceStage unsmoothed = FaceStages.mesh(FaceModelsForTests.stages().detectorFile(), FaceModelsForTests.stages().landmarkFile(),
                    new Padding(0, 10, 0, 0), 1, 1).open()) {
                for (int i = 0; i < frames.size(); i++) unsmoothed.observe(i, frames.get(i));
                unsmoothed.end(frames.size());
                for (int i = 0; i < frames.size(); i++) {
                    FaceShape s = unsmoothed.face(i, 512, 512).orElseThrow().shape();
                    if (previousRaw != null) raw += Math.hypot(s.mouthCenterX() - previousRaw.mouthCenterX(), s.mouthCenterY() - previousRaw.mouthCenterY());
                    previousRaw = s;
                }
            }
        }
        raw /= frames.size() - 1;
        smoothed /= frames.size() - 1;
        System.out.printf("still presenter: mouth centre moves %.3f px/frame raw, %.3f smoothed%n", raw, smoothed);
        assertTrue(smoothed < 0.33, "smoothed movement " + smoothed);
        assertTrue(smoothed <= raw, "smoothing made it worse: " + smoothed + " > " + raw);
    }
}
