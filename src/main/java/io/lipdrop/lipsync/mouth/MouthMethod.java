package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.audio.visemes.VisemeClassifier;
import io.lipdrop.lipsync.face.FaceObservation;
import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.Timeline;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * LipDrop's own lip-sync method, used when no neural model is installed: the presenter's own mouths, driven by
 * the new audio. A talking template gives a library of its mouths; each output frame gets the mouth whose shape
 * the speech asks for ({@link MouthPlanner}), put on the current frame's face ({@link MouthCompositor}). A
 * template with too few mouth shapes (a photo, a presenter who never speaks) gets its one mouth moved instead
 * ({@link PhotoMouthWarp}). Per job; not thread-safe.
 */
public final class MouthMethod implements AutoCloseable {
    /** Below this many distinct mouth shapes a template has too little to choose from: warp instead. */
    static final int MIN_SHAPES = 6;
    /** Nor when its mouth never opens this far beyond closed (eye spans): a presenter who does not speak. */
    static final float MIN_OPENING_RANGE = 0.08f;
    private static final Logger LOG = LoggerFactory.getLogger(MouthMethod.class);

    private final MouthLibrary library;
    private final MouthTarget[] targets;
    private final int[] plan;
    private final MouthCompositor compositor;
    private final PhotoMouthWarp warp;
    private final String targetSource;

    private MouthMethod(MouthLibrary library, MouthTarget[] targets, float[][] poses, String targetSource) {
        this.library = library;
        this.targets = targets;
        this.targetSource = targetSource;
        boolean choose = library.distinctShapes() >= MIN_SHAPES
                && library.openOpening() - library.closedOpening() >= MIN_OPENING_RANGE;
        this.plan = choose ? MouthPlanner.plan(library, targets, poses) : null;
        this.compositor = choose ? new MouthCompositor() : null;
        this.warp = choose ? null : new PhotoMouthWarp();
    }

    /**
     * Reads the template's mouths (the face stage keeps what it saw for the main pass) and plans every frame.
     * @param frames the job's output frames
     * @param visemes the viseme classifier, or null: the targets then follow the loudness alone
     */
    public static MouthMethod prepare(Supplier<TemplateSource> template, FaceStage faces, float[] pcm16k, double fps,
                                      int frames, int librarySize, VisemeClassifier visemes) throws Exception {
        MouthLibrary library = new MouthLibraryBuilder(librarySize).build(template, faces, frames);
        try {
            // the pose of the face each output frame shows: its template frame on the ping-pong timeline
            int sourceFrames = library.sourceFrames();
            float[][] poses = new float[frames][];
            for (int t = 0; t < frames && sourceFrames > 0; t++) {
                poses[t] = faces.face(Timeline.pingPong(t, sourceFrames), 1 << 16, 1 << 16).filter(FaceObservation::hasLandmarks)
                        .map(o -> o.shape().pose()).orElse(null);
            }
            MouthTarget[] targets = visemes != null ? VisemeTargets.of(visemes, pcm16k, fps, frames) : LoudnessTargets.of(pcm16k, fps, frames);
            return new MouthMethod(library, targets, poses, visemes != null ? "visemes" : "loudness");
        } catch (RuntimeException | Error e) {
            library.close();
            throw e;
        }
    }

    /** {@code mouth-library} or {@code photo-warp}. */
    public String name() { return plan != null ? "mouth-library" : "photo-warp"; }

    /** Gives output frame {@code outputIndex} (which shows the face {@code face}) the mouth its speech needs, in place. */
    public void render(int outputIndex, Mat frame, FaceShape face) {
        if (plan != null && LOG.isTraceEnabled()) {
            MouthEntry e = library.get(plan[outputIndex]);
            LOG.trace("frame {}: mouth of source frame {} (opening {}, pose {}), target {}", outputIndex, e.sourceIndex(),
                    e.opening(), java.util.Arrays.toString(e.pose()), targets[outputIndex]);
        }
        if (!MouthFrame.regular(face)) return; // no canonical frame for this face: the frame passes through
        if (plan != null) compositor.paste(library.get(plan[outputIndex]), frame, face);
        else warp.apply(frame, face, targets[outputIndex]);
    }

    /** For the report: the method, what drove it, and what the template offered. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name());
        d.put("targets", targetSource);
        d.put("libraryMouths", library.size());
        d.put("distinctMouthShapes", library.distinctShapes());
        return d;
    }

    @Override
    public void close() {
        library.close();
        if (compositor != null) compositor.close();
        if (warp != null) warp.close();
    }
}
