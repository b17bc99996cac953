package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.video.Picture;
import io.lipdrop.lipsync.video.TemplateSource;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * Reads the template once before the job is made: the face stage looks at each frame (and keeps what it saw for
 * the main pass, which then does not look again), and each frame with a face gives the library its mouth, cut
 * out into the canonical {@link MouthFrame} with the landmarks measured on that very frame (not the smoothed
 * ones, which blur a syllable's movement). At most {@code maxEntries} mouths are kept: past that, every other
 * block of {@link #BLOCK} consecutive frames is dropped and only the kept blocks' frames are taken from then on,
 * so memory is bounded whatever the template's length and runs of consecutive real mouths survive. Mouths no
 * speaker makes while talking ({@link SpeechMouths}: a tongue out, a smirk, a yawn, a grimacing stretch) are left out
 * and counted.
 */
public final class MouthLibraryBuilder {
    static final int BLOCK = 16;
    /** Pixels read beyond a warp's corners: bilinear sampling takes the next pixel (INTER_AREA warps as bilinear). */
    static final int READ_MARGIN = 3;
    private final int maxEntries;
    private final boolean patches;
    private final List<MouthEntry> entries = new ArrayList<>();
    private final Map<String, Integer> leftOut = new HashMap<>(); // mouths no speaker makes, by reason (SpeechMouths)
    private int stride = 1;

    public MouthLibraryBuilder(int maxEntries) { this(maxEntries, true); }

    /**
     * @param patches false: only the shapes are kept (entries without pictures), enough to tell whether the
     *                template offers a library ({@link LibraryWatch}) at a few bytes per mouth
     */
    MouthLibraryBuilder(int maxEntries, boolean patches) {
        this.maxEntries = Math.max(2 * BLOCK, maxEntries);
        this.patches = patches;
    }

    /** @param frames how many source frames the job will show (the template's first frames) */
    public MouthLibrary build(Supplier<TemplateSource> template, FaceStage faces, int frames) throws Exception {
        int seen;
        try (TemplateSource source = template.get()) {
            seen = source.firstPictures(frames, (i, picture) -> {
                if (!faces.hasObservation(i)) faces.observe(i, picture);
                Optional<FaceShape> measured = faces.measured(i);
                add(i, wanted(i, measured) && MouthFrame.regular(measured.get()) ? readable(picture, measured.get()) : null, measured);
            });
            faces.end(seen);
        } catch (Exception | Error e) {
            entries.forEach(MouthEntry::close);
            entries.clear();
            throw e;
        }
        return library(seen);
    }

    /**
     * Takes source frame {@code i}'s mouth (frames in source order); true when the library gained an entry.
     * @param frame the frame's picture (only read when patches are kept)
     */
    boolean add(int i, Mat frame, Optional<FaceShape> measured) {
        if (!wanted(i, measured)) return false;
        String notSpeech = SpeechMouths.refusal(frame, measured.get());
        if (notSpeech != null) {
            leftOut.merge(notSpeech, 1, Integer::sum);
            return false;
        }
        MouthEntry e = patches ? cut(i, frame, measured.get()) : shapeOf(i, measured.get());
        if (e == null) return false;
        entries.add(e);
        if (entries.size() >= maxEntries) stride = thin(entries, stride * 2);
        return true;
    }

    /** Whether {@link #add} looks at source frame {@code i} at all. */
    private boolean wanted(int i, Optional<FaceShape> measured) {
        return (i / BLOCK) % stride == 0 && measured.isPresent();
    }

    /**
     * The frame in BGR where {@link #add} reads it (the patch's and the tongue measure's pixels, and a margin for
     * interpolation), converted there only: a full 1080x1920 frame took 3 ms to convert, most of it never read.
     */
    static Mat readable(Picture picture, FaceShape s) {
        return readable(picture, s, READ_MARGIN);
    }

    static Mat readable(Picture picture, FaceShape s, int margin) {
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (double[] xy : List.of(MouthFrame.frameCorners(s), TongueMeasure.frameCorners(s))) {
            for (int k = 0; k < xy.length; k += 2) {
                x0 = Math.min(x0, xy[k]); x1 = Math.max(x1, xy[k]);
                y0 = Math.min(y0, xy[k + 1]); y1 = Math.max(y1, xy[k + 1]);
            }
        }
        int x = (int) Math.floor(x0) - margin, y = (int) Math.floor(y0) - margin;
        return picture.bgr(x, y, (int) Math.ceil(x1) + margin + 1 - x, (int) Math.ceil(y1) + margin + 1 - y);
    }

    /**
     * The library of what was added so far, less the mouths stretched far beyond the template's usual width; its
     * entries are the builder's (closed with the library).
     */
    MouthLibrary library(int sourceFrames) {
        SpeechMouths.leaveOutStretched(entries, leftOut);
        return new MouthLibrary(entries, sourceFrames, SpeechMouths.ordered(leftOut));
    }

    /** The shape alone, under the same condition as {@link #cut}: a regular face. */
    private static MouthEntry shapeOf(int sourceIndex, FaceShape s) {
        if (!MouthFrame.regular(s)) return null;
        return new MouthEntry(sourceIndex, s.mouthOpening(), s.mouthWidth(), s.lipFullness(), s.headPose(), null, null, null, null);
    }

    /** Keeps the entries of every {@code stride}-th block of frames; returns the stride. */
    private static int thin(List<MouthEntry> entries, int stride) {
        entries.removeIf(e -> {
            boolean drop = (e.sourceIndex() / BLOCK) % stride != 0;
            if (drop) e.close();
            return drop;
        });
        return stride;
    }

    /** The mouth of this frame, or null when its landmarks are degenerate (no canonical frame to cut it into). */
    static MouthEntry cut(int sourceIndex, Mat frame, FaceShape s) {
        if (!MouthFrame.regular(s)) return null;
        Mat patch = new Mat();
        try (Mat toPatch = MouthFrame.toPatch(s); Size size = new Size(MouthFrame.WIDTH, MouthFrame.HEIGHT);
             Scalar none = new Scalar(0, 0, 0, 0)) {
            boolean shrinking = s.eyeSpan() > MouthFrame.PIXELS_PER_UNIT;
            // outside the frame stays black: the validity mask keeps it from ever being shown (no replicated rows)
            warpAffine(frame, patch, toPatch, size, shrinking ? INTER_AREA : INTER_LINEAR, BORDER_CONSTANT, none);
            float[] corners = corners(frame.cols(), frame.rows(), toPatch);
            return new MouthEntry(sourceIndex, s.mouthOpening(), s.mouthWidth(), s.lipFullness(), s.headPose(), patch, PasteMesh.points(s, toPatch),
                    corners, PatchValidity.of(corners, MouthFrame.WIDTH, MouthFrame.HEIGHT));
        }
    }

    /** The source frame's corner pixels (the last ones interpolation can use) in the patch, x,y pairs clockwise. */
    static float[] corners(int cols, int rows, Mat toPatch) {
        double[][] frame = {{0, 0}, {cols - 1, 0}, {cols - 1, rows - 1}, {0, rows - 1}};
        float[] xy = new float[8];
        for (int k = 0; k < 4; k++) {
            double[] p = MouthFrame.apply(toPatch, frame[k][0], frame[k][1]);
            xy[2 * k] = (float) p[0];
            xy[2 * k + 1] = (float) p[1];
        }
        return xy;
    }
}
