package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceObservation;
import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.HeadPose;
import io.lipdrop.lipsync.video.Picture;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.Timeline;
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
    private final LibraryWatch watch;  // the photo warp's single pass: what it saw of the template's mouths
    private MouthTarget[] targets;  // the photo warp's pass: asked for at its first frame (they may wait for the speech's phonemes)
    private Pending pending;
    private final int[] plan;
    private final MouthCompositor compositor;
    private final PhotoMouthWarp warp;
    private String targetSource;
    private Map<String, Double> targetShares;
    private final HeadPose[] poses;
    /** Pose differences (degrees) between the pasted mouths and their frames, and the frames that kept their own. */
    private double poseGapSum, poseGapMax;
    private int pasted, own;

    /** The job's mouth targets, made when first asked for: they may wait for the speech recogniser's phoneme timing. */
    public interface Pending {
        /** All frames' targets (once the speech is heard). */
        MouthTargets get() throws InterruptedException;

        /** Frame {@code i}'s target, as soon as the speech around it is heard: the same as {@link #get}'s. */
        MouthTarget at(int i) throws InterruptedException;
    }

    private MouthMethod(MouthLibrary library, LibraryWatch watch, MouthTargets targets, HeadPose[] poses) {
        this.library = library;
        this.watch = watch;
        if (targets != null) take(targets);
        boolean choose = library != null && offersLibrary(library);
        this.plan = choose ? MouthPlanner.plan(library, this.targets, poses) : null;
        this.compositor = choose ? new MouthCompositor() : null;
        this.warp = choose ? null : new PhotoMouthWarp();
        this.poses = poses;
    }

    private void take(MouthTargets t) {
        this.targets = t.frames();
        this.targetSource = t.source();
        this.targetShares = t.shares();
    }

    /** Whether a template's mouths are enough to choose from: enough distinct shapes, and a mouth that opens. */
    static boolean offersLibrary(MouthLibrary library) {
        return library.distinctShapes() >= MIN_SHAPES && library.openOpening() - library.closedOpening() >= MIN_OPENING_RANGE;
    }

    /**
     * The photo warp made in the job's one pass, before the template's mouths are known: {@code watch} follows
     * them as the face stage measures them and stops the pass as soon as they offer a library (the job is then
     * made again with {@link #prepare}); a pass that ends without that is the same video {@link #prepare}
     * would have made, one decode of the template sooner.
     */
    public static MouthMethod photoWarp(Pending targets, LibraryWatch watch) {
        MouthMethod m = new MouthMethod(null, watch, null, null);
        m.pending = targets;
        return m;
    }

    /**
     * Reads the template's mouths (the face stage keeps what it saw for the main pass) and plans every frame.
     * @param frames the job's output frames
     */
    public static MouthMethod prepare(Supplier<TemplateSource> template, FaceStage faces, MouthTargets targets,
                                      int frames, int librarySize) throws Exception {
        MouthLibrary library = new MouthLibraryBuilder(librarySize).build(template, faces, frames);
        try {
            // the pose of the face each output frame shows: its template frame on the ping-pong timeline
            int sourceFrames = library.sourceFrames();
            HeadPose[] poses = new HeadPose[frames];
            for (int t = 0; t < frames && sourceFrames > 0; t++) {
                poses[t] = faces.face(Timeline.pingPong(t, sourceFrames), 1 << 16, 1 << 16).filter(FaceObservation::hasLandmarks)
                        .map(o -> o.shape().headPose()).orElse(null);
            }
            return new MouthMethod(library, null, targets, poses);
        } catch (RuntimeException | Error e) {
            library.close();
            throw e;
        }
    }

    /** {@code mouth-library} or {@code photo-warp}. */
    public String name() { return plan != null ? "mouth-library" : "photo-warp"; }

    /**
     * Gives output frame {@code outputIndex} (which shows the face {@code face}) the mouth its speech needs, in place:
     * only the region the mouth changes is converted to BGR and back.
     */
    public void render(int outputIndex, Picture picture, FaceShape face) throws InterruptedException {
        if (plan == null && targets == null) {
            // the photo warp goes frame by frame as the speech is heard
            if (MouthFrame.regular(face)) warp.apply(picture, face, pending.at(outputIndex));
            return;
        }
        int chosen = plan != null ? plan[outputIndex] : MouthPlanner.OWN;
        if (plan != null && LOG.isTraceEnabled()) {
            if (chosen == MouthPlanner.OWN) LOG.trace("frame {}: its own mouth (no library mouth in its pose), target {}", outputIndex, targets[outputIndex]);
            else LOG.trace("frame {}: mouth of source frame {} (opening {}, {}), target {}", outputIndex, library.get(chosen).sourceIndex(),
                    library.get(chosen).opening(), library.get(chosen).pose(), targets[outputIndex]);
        }
        if (!MouthFrame.regular(face)) return; // no canonical frame for this face: the frame passes through
        if (plan == null) {
            warp.apply(picture, face, targets[outputIndex]);
            return;
        }
        if (chosen == MouthPlanner.OWN) {
            // no library mouth in this frame's pose: its own mouth stays (the photo warp, tried here, drew a photo's
            // vowel onto a real turned mouth: a dark line across pursed lips on LivePortrait's presenter)
            own++;
            return;
        }
        MouthEntry mouth = library.get(chosen);
        compositor.paste(mouth, picture, face);
        HeadPose at = poses != null && outputIndex < poses.length ? poses[outputIndex] : null;
        if (at != null) {
            double gap = mouth.pose().gap(at);
            poseGapSum += gap;
            poseGapMax = Math.max(poseGapMax, gap);
            pasted++;
        }
    }

    /**
     * The template frame whose mouth output frame {@code outputIndex} shows; -1 when its own mouth is moved instead (the
     * photo warp, or a frame no library mouth suits).
     */
    public int sourceOf(int outputIndex) {
        return plan == null || plan[outputIndex] == MouthPlanner.OWN ? -1 : library.get(plan[outputIndex]).sourceIndex();
    }

    /** For the report: the method, what drove it, and what the template offered. */
    public Map<String, Object> describe() {
        if (targets == null && pending != null) {
            try {
                take(pending.get()); // heard by now: the pass is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name());
        if (targetSource != null) d.put("targets", targetSource); // null: no frame had a face to drive
        if (targetShares != null) d.put("targetShares", targetShares); // e.g. {"asr:vosk-en": 0.71, "phonemes:sphinx4-en-us": 0.29}
        MouthLibrary seen = library != null ? library : watch.shapes();
        d.put("libraryMouths", seen.size());
        d.put("distinctMouthShapes", seen.distinctShapes());
        d.put("leftOutMouths", seen.leftOut()); // e.g. {"tongue-out": 12, "asymmetric": 3}: not speech (SpeechMouths)
        if (compositor != null) {
            // pixels the pastes changed, and those whose picture lay outside the source's real pixels (must be 0)
            d.put("pastedPixels", compositor.pastedPixels());
            d.put("pastedOutsideSource", compositor.pastedOutsideSource());
            // how far the pasted mouths' head poses were from their frames' (degrees, the larger of yaw and pitch),
            // and the frames no library mouth was near enough for, which kept their own mouth
            d.put("poseGapDegrees", Map.of("mean", pasted == 0 ? 0 : Math.round(10 * poseGapSum / pasted) / 10.0,
                    "max", Math.round(10 * poseGapMax) / 10.0));
            d.put("framesWithOwnMouth", own);
        }
        return d;
    }

    @Override
    public void close() {
        if (library != null) library.close();
        if (compositor != null) compositor.close();
        if (warp != null) warp.close();
    }
}
