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
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.hconcat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.convexHull;
import static org.bytedeco.opencv.global.opencv_imgproc.dilate;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.polylines;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Paste skin, not the scene ({@link SceneGate}): a lock of dark brown hair (strand texture, swaying a few pixels
 * from frame to frame) is laid over one side of a real presenter's jaw and cheek in every template frame; the
 * real engine then makes the presenter say new speech with the mouth library. Measured on the output against each
 * output frame's own template frame:
 * <ul>
 *   <li>hair kept: of this frame's hair pixels, the share the output changed by more than {@link #CHANGED} levels
 *   (the target's hair must stay the target's);</li>
 *   <li>ghost: of the face's skin pixels that other frames' hair covers but this frame's does not, the share the
 *   output darkened by more than {@link #CHANGED} levels (hair from other frames pasted on her skin);</li>
 *   <li>lip-sync: the mean change inside the lips and the chin below them (the mouth must still move).</li>
 * </ul>
 * Side-by-side crops (template | output) of a few frames go to {@code target/scene-gate/} for a look.
 */
class SceneGateTest {
    /** A visible change, in levels of any channel: well above the codec's noise (1-3 levels on skin). */
    static final int CHANGED = 24;
    /**
     * Bounds. Main's paste (union of both outlines, no gate) read hair changed 10.1% (astronaut) and 11.1% (news
     * clip), ghost 9.7% and 6.3%; with {@link SceneGate}: hair 0.72% and 0.45%, ghost 0.95% and 0.70% (what is left
     * lies where the lock's lower end reaches the chin, which always passes).
     */
    static final double MAX_HAIR_CHANGED = 0.03, MAX_GHOST = 0.02;
    /** The mouth still moves: mean change in the mouth and chin at least this many levels (26-40 before and after). */
    static final double MIN_MOUTH_CHANGE = 5;

    @TempDir Path dir;

    record Figures(double hairChanged, double ghost, double mouthChange) {}

    /** Our own presenter: the astronaut photo made to talk (photo warp), filmed closer, the head rolling a little. */
    @Test
    void hairOverTheJawOfOurOwnPresenter() throws Exception {
        Path talking = dir.resolve("talking.mp4");
        new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages())
                .sync(TestMedia.shortSpeech(Fixtures.copy("speech_zh_16k.wav", dir), 8), Fixtures.copy("face_astronaut.png", dir), talking, null);
        List<Mat> frames = TestMedia.frames(talking);
        int side = 384;
        Path close = TestMedia.write(dir.resolve("close.mp4"), side, side, 25, frames.size(), i -> {
            Mat m = getRotationMatrix2D(new Point2f(225, 150), 4 * Math.sin(2 * Math.PI * i / 70.0), 2.2);
            m.ptr(0, 2).putDouble(m.ptr(0, 2).getDouble() + side / 2.0 - 225);
            m.ptr(1, 2).putDouble(m.ptr(1, 2).getDouble() + side / 2.0 - 150);
            Mat out = new Mat();
            try (Size size = new Size(side, side); Scalar grey = new Scalar(120, 130, 140, 0)) {
                warpAffine(frames.get(i), out, m, size, INTER_LINEAR, BORDER_CONSTANT, grey);
            }
            m.close();
            return out;
        });
        frames.forEach(Mat::close);
        Figures f = measure(close, "astronaut");
        assertFigures(f);
    }

    /** The 512x512 news clip, where present: her hair is tied back, so the lock is ours. */
    @Test
    void hairOverTheJawOfARealPresenter() throws Exception {
        Path clip = MouthMethodTest.REAL.resolve("sadtalker__WDA_AlexandriaOcasioCortez_000.mp4");
        assumeTrue(Files.isRegularFile(clip), "../shared/media/real is not here");
        assertFigures(measure(clip, "news"));
    }

    private static void assertFigures(Figures f) {
        assertTrue(f.hairChanged() <= MAX_HAIR_CHANGED, "the template's hair over the jaw was pasted over: " + f);
        assertTrue(f.ghost() <= MAX_GHOST, "hair from other frames pasted on the skin: " + f);
        assertTrue(f.mouthChange() >= MIN_MOUTH_CHANGE, "the mouth no longer moves: " + f);
    }

    /** Lays the lock over {@code clean}'s frames, makes them say 6 s of English, measures the output. */
    private Figures measure(Path clean, String name) throws Exception {
        List<FaceShape> faces = MouthMeasure.shapes(clean);
        List<Mat> frames = TestMedia.frames(clean);
        int n = frames.size();
        List<Mat> bands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) bands.add(faces.get(i) == null ? null : lock(frames.get(i), faces.get(i), i));
        Path template = TestMedia.write(dir.resolve(name + "-hair.mp4"), frames.get(0).cols(), frames.get(0).rows(), 25, n,
                i -> frames.get(i).clone());
        frames.forEach(Mat::close);
        Path out = dir.resolve(name + "-out.mp4");
        SyncResult r = new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages(), FaceModelsForTests.visemes())
                .sync(TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", dir), 6), template, out, null);
        assertEquals("mouth-library", r.model(), r.method().toString());
        List<Mat> own = TestMedia.frames(template);
        List<Mat> made = TestMedia.frames(out);
        // every frame's hair, all together: what other frames' locks may bring along
        Mat anyHair = new Mat(own.get(0).rows(), own.get(0).cols(), CV_8U, new Scalar(0));
        for (Mat b : bands) if (b != null) org.bytedeco.opencv.global.opencv_core.bitwise_or(anyHair, b, anyHair);
        long hair = 0, hairChanged = 0, skin = 0, ghost = 0, mouthPixels = 0;
        double mouthChange = 0;
        Path look = Path.of(System.getProperty("lipdrop.app", ".")).resolve("target/scene-gate");
        Files.createDirectories(look);
        long worst = -1;
        int worstFrame = -1;
        Mat[] worstShown = new Mat[3];
        FaceShape worstFace = null;
        for (int i = 0; i < made.size(); i++) {
            int s = Timeline.pingPong(i, n);
            long before = hairChanged + ghost;
            FaceShape face = faces.get(s);
            if (face == null || bands.get(s) == null) continue;
            Mat a = made.get(i), t = own.get(s);
            int grow = Math.max(2, (int) Math.round(0.02 * face.eyeSpan()));
            try (Mat core = new Mat(); Mat near = new Mat(); Mat kernel = getStructuringElement(MORPH_ELLIPSE, new Size(2 * grow + 1, 2 * grow + 1))) {
                erode(bands.get(s), core, kernel); // the lock's own pixels, away from its antialiased edge
                dilate(bands.get(s), near, kernel);
                Mat faceArea = lowerFace(face, a.rows(), a.cols());
                Mat mouth = mouthAndChin(face, a.rows(), a.cols());
                boolean shown = i % 25 == 12;
                Mat marked = a.clone();
                try (UByteIndexer o = a.createIndexer(); UByteIndexer p = t.createIndexer(); UByteIndexer c = core.createIndexer();
                     UByteIndexer nr = near.createIndexer(); UByteIndexer any = anyHair.createIndexer(); UByteIndexer fa = faceArea.createIndexer();
                     UByteIndexer mo = mouth.createIndexer(); UByteIndexer mk = marked.createIndexer()) {
                    for (int y = 0; y < a.rows(); y++) for (int x = 0; x < a.cols(); x++) {
                        int d = 0, dark = 0;
                        for (int k = 0; k < 3; k++) {
                            d = Math.max(d, Math.abs(o.get(y, x, k) - p.get(y, x, k)));
                            dark += p.get(y, x, k) - o.get(y, x, k);
                        }
                        if (c.get(y, x) != 0) {
                            hair++;
                            if (d > CHANGED) { hairChanged++; mark(mk, y, x, 255, 0, 0); }
                        } else if (nr.get(y, x) == 0 && any.get(y, x) != 0 && fa.get(y, x) != 0 && mo.get(y, x) == 0) {
                            skin++;
                            if (dark / 3 > CHANGED) { ghost++; mark(mk, y, x, 0, 0, 255); }
                        }
                        if (mo.get(y, x) != 0) { mouthPixels++; mouthChange += d; }
                    }
                }
                faceArea.close();
                mouth.close();
                if (shown) sideBySide(t, a, marked, face, look.resolve(name + "-" + i + ".png"));
                if (hairChanged + ghost - before > worst) { // the frame with the most marked pixels, for a look too
                    worst = hairChanged + ghost - before;
                    worstFrame = i;
                    worstFace = face;
                    for (Mat m : worstShown) if (m != null) m.close();
                    worstShown[0] = t.clone();
                    worstShown[1] = a.clone();
                    worstShown[2] = marked;
                } else {
                    marked.close();
                }
            }
        }
        if (worstFace != null) {
            sideBySide(worstShown[0], worstShown[1], worstShown[2], worstFace, look.resolve(name + "-worst-" + worstFrame + ".png"));
            for (Mat m : worstShown) m.close();
        }
        Figures f = new Figures(hairChanged / (double) Math.max(1, hair), ghost / (double) Math.max(1, skin), mouthChange / Math.max(1, mouthPixels));
        System.out.printf("%s: hair pixels changed > %d levels %.2f%% (of %d), ghost: skin other frames' hair covers darkened > %d levels"
                        + " %.2f%% (of %d), mean change in the mouth and chin %.1f levels; pasted %s; most marked pixels: frame %d (%d)%n", name, CHANGED, 100 * f.hairChanged(), hair,
                CHANGED, 100 * f.ghost(), skin, f.mouthChange(), r.method().get("pastedPixels"), worstFrame, worst);
        own.forEach(Mat::close);
        made.forEach(Mat::close);
        anyHair.close();
        for (Mat b : bands) if (b != null) b.close();
        return f;
    }

    /**
     * Paints a lock of dark brown hair over the jaw on the image's left side (the face's right: from beside the
     * cheekbone down past the jaw's corner), swaying {@code 0.04} eye spans from frame to frame; returns its mask.
     */
    static Mat lock(Mat frame, FaceShape s, int i) {
        double span = s.eyeSpan(), sway = 0.04 * span * Math.sin(2 * Math.PI * i / 23.0);
        int[] along = {132, 58, 172, 136, 150}; // face oval from the ear's lower end to below the mouth's corner
        double mx = s.mouthCenterX(), my = s.mouthCenterY();
        Mat mask = new Mat(frame.rows(), frame.cols(), CV_8U, new Scalar(0));
        try (Mat pts = new Mat(along.length, 1, CV_32SC2); MatVector lines = new MatVector(1); Scalar white = new Scalar(255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int k = 0; k < along.length; k++) {
                    // on the jaw line, moved a little onto the face: it covers jaw, cheek, and a bit beside the face
                    double x = s.x(along[k]) + 0.06 * (mx - s.x(along[k])) + sway, y = s.y(along[k]) + 0.06 * (my - s.y(along[k]));
                    p.put(k, 0, 0, (int) Math.round(x));
                    p.put(k, 0, 1, (int) Math.round(y));
                }
            }
            lines.put(0, pts);
            polylines(mask, lines, false, white, (int) Math.round(0.2 * span), LINE_8, 0);
        }
        // strands: brightness varies across the lock (per column, a fixed seed) and a little along it
        Random random = new Random(7);
        int[] strand = new int[frame.cols() + 64];
        for (int k = 0; k < strand.length; k++) strand[k] = 22 + random.nextInt(36);
        int shift = (int) Math.round(sway);
        try (UByteIndexer m = mask.createIndexer(); UByteIndexer px = frame.createIndexer()) {
            for (int y = 0; y < frame.rows(); y++) for (int x = 0; x < frame.cols(); x++) {
                if (m.get(y, x) == 0) continue;
                int g = strand[Math.floorMod(x - shift, frame.cols())] + ((y / 3 + x) % 7 == 0 ? 10 : 0);
                px.put(y, x, 0, g * 45 / 100);
                px.put(y, x, 1, g * 70 / 100);
                px.put(y, x, 2, g);
            }
        }
        return mask;
    }

    /** The lower face as the mask outlines it ({@link MouthMask#outline}). */
    private static Mat lowerFace(FaceShape s, int rows, int cols) {
        return hull(MouthMask.outline(s), rows, cols);
    }

    /** The lips and the chin below them: what a new mouth changes. */
    private static Mat mouthAndChin(FaceShape s, int rows, int cols) {
        int[] ids = {61, 291, 0, 17, 152, 148, 377, 176, 400};
        double[] xy = new double[2 * ids.length];
        for (int k = 0; k < ids.length; k++) { xy[2 * k] = s.x(ids[k]); xy[2 * k + 1] = s.y(ids[k]); }
        return hull(xy, rows, cols);
    }

    private static Mat hull(double[] xy, int rows, int cols) {
        Mat m = new Mat(rows, cols, CV_8U, new Scalar(0));
        try (Mat pts = new Mat(xy.length / 2, 1, CV_32SC2); Mat hull = new Mat(); Scalar white = new Scalar(255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int k = 0; k < xy.length / 2; k++) {
                    p.put(k, 0, 0, (int) Math.round(xy[2 * k]));
                    p.put(k, 0, 1, (int) Math.round(xy[2 * k + 1]));
                }
            }
            convexHull(pts, hull);
            fillConvexPoly(m, hull, white, LINE_8, 0);
        }
        return m;
    }

    private static void mark(UByteIndexer m, int y, int x, int b, int g, int r) {
        m.put(y, x, 0, b);
        m.put(y, x, 1, g);
        m.put(y, x, 2, r);
    }

    /**
     * Template | output | output with the hair pixels it changed (blue) and the ghost pixels (red) marked: the lower
     * face (nose to below the chin) enlarged to 320 px high, as PNG.
     */
    static void sideBySide(Mat template, Mat output, Mat marked, FaceShape s, Path png) {
        double span = s.eyeSpan();
        int x = clamp(s.x(FaceShape.CHIN) - 0.95 * span, template.cols()), y = clamp(s.y(2) - 0.3 * span, template.rows());
        int w = Math.min(template.cols() - x, (int) Math.round(1.9 * span)), h = Math.min(template.rows() - y, (int) Math.round(1.3 * span));
        try (Rect r = new Rect(x, y, w, h); Mat a = template.apply(r); Mat b = output.apply(r); Mat c = marked.apply(r); Mat both = new Mat();
             Mat big = new Mat(); MatVector v = new MatVector(a, b, c)) {
            hconcat(v, both);
            double scale = 320.0 / h;
            try (Size size = new Size((int) Math.round(both.cols() * scale), 320)) { resize(both, big, size); }
            imwrite(png.toString(), big);
        }
    }

    private static int clamp(double v, int limit) { return (int) Math.max(0, Math.min(limit - 2, Math.round(v))); }
}
