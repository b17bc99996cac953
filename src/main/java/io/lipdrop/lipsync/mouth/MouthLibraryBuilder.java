package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.MouthMask;
import io.lipdrop.lipsync.video.SourceFrame;
import io.lipdrop.lipsync.video.TemplateSource;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * Reads the template once before the job is made: the face stage looks at each frame (and keeps what it saw for
 * the main pass, which then does not look again), and each frame with a face gives the library its mouth, cut
 * out into the canonical {@link MouthFrame}. At most {@code maxEntries} mouths are kept: past that every other one
 * is dropped and only every second frame taken from then on, so memory is bounded whatever the template's length.
 */
public final class MouthLibraryBuilder {
    private final int maxEntries;
    private int sourceFrames;

    public MouthLibraryBuilder(int maxEntries) { this.maxEntries = Math.max(16, maxEntries); }

    /** @param frames how many source frames the job will show (the template's first frames) */
    public MouthLibrary build(Supplier<TemplateSource> template, FaceStage faces, int frames) throws Exception {
        List<MouthEntry> entries = new ArrayList<>();
        int stride = 1;
        Deque<SourceFrame> pending = new ArrayDeque<>();
        int seen = 0;
        try (TemplateSource source = template.get()) {
            for (int i = 0; i < frames; i++) {
                SourceFrame f = source.next(i);
                if (f.sourceIndex != i) { f.image.close(); break; } // the template ended: its first pass is all there is
                if (!faces.hasObservation(i)) faces.observe(i, f.image);
                seen = i + 1;
                if (source.sourceFramesKnown() == seen) faces.end(seen);
                pending.add(f);
                while (!pending.isEmpty() && faces.isSettled(pending.peek().sourceIndex)) {
                    stride = take(pending.poll(), faces, entries, stride);
                }
            }
            faces.end(seen);
            sourceFrames = seen;
            while (!pending.isEmpty()) stride = take(pending.poll(), faces, entries, stride);
        } finally {
            pending.forEach(f -> f.image.close());
        }
        return new MouthLibrary(entries);
    }

    /** How many template frames the last build looked at (its first pass, up to the job's length). */
    public int sourceFrames() { return sourceFrames; }

    private int take(SourceFrame f, FaceStage faces, List<MouthEntry> entries, int stride) {
        try {
            if (f.sourceIndex % stride != 0) return stride;
            var face = faces.face(f.sourceIndex, f.image.cols(), f.image.rows());
            if (face.isEmpty() || !face.get().hasLandmarks()) return stride;
            entries.add(cut(f.sourceIndex, f.image, face.get().shape()));
            if (entries.size() >= maxEntries) {
                // keep every other mouth, and take only every other frame from now on
                List<MouthEntry> kept = new ArrayList<>();
                for (int k = 0; k < entries.size(); k++) {
                    if (k % 2 == 0) kept.add(entries.get(k)); else entries.get(k).close();
                }
                entries.clear();
                entries.addAll(kept);
                return stride * 2;
            }
            return stride;
        } finally {
            f.image.close();
        }
    }

    static MouthEntry cut(int sourceIndex, Mat frame, FaceShape s) {
        Mat patch = new Mat();
        try (Mat toPatch = MouthFrame.toPatch(s); Size size = new Size(MouthFrame.WIDTH, MouthFrame.HEIGHT);
             Scalar none = new Scalar(0, 0, 0, 0)) {
            boolean shrinking = s.eyeSpan() > MouthFrame.PIXELS_PER_UNIT;
            warpAffine(frame, patch, toPatch, size, shrinking ? INTER_AREA : INTER_LINEAR, BORDER_REPLICATE, none);
            return new MouthEntry(sourceIndex, s.mouthOpening(), s.mouthWidth(), s.lipFullness(), s.pose(), patch, outline(s, toPatch));
        }
    }

    /** The lower-face outline of the mask ({@link MouthMask}'s points), mapped into the patch. */
    static float[] outline(FaceShape s, Mat toPatch) {
        int n = MouthMask.JAW.length + MouthMask.TOP.length;
        float[] xy = new float[2 * n];
        double mx = s.mouthCenterX(), my = s.mouthCenterY();
        int k = 0;
        for (int i : MouthMask.JAW) {
            double[] p = MouthFrame.apply(toPatch, s.x(i) + (s.x(i) - mx) * MouthMask.JAW_MARGIN, s.y(i) + (s.y(i) - my) * MouthMask.JAW_MARGIN);
            xy[k++] = (float) p[0];
            xy[k++] = (float) p[1];
        }
        for (int i : MouthMask.TOP) {
            double[] p = MouthFrame.apply(toPatch, s.x(i), s.y(i));
            xy[k++] = (float) p[0];
            xy[k++] = (float) p[1];
        }
        return xy;
    }
}
