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
    private final Pending pending;     // the targets, frame by frame as the speech is heard
    private final MouthPlanner planner; // the library's choices, settled as the targets come; null: the photo warp
    private MouthTarget heard;          // the photo warp's target for frame heardIndex
    private int heardIndex = -1;
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

        /** Targets known from the start. */
        static Pending of(MouthTargets targets) {
            return new Pending() {
                @Override public MouthTargets get() { return targets; }
                @Override public MouthTarget at(int i) { return targets.frames()[i]; }
            };
        }
    }

    private MouthMethod(MouthLibrary library, LibraryWatch watch, Pending pending, HeadPose[] poses, int frames) {
        this.library = library;
        this.watch = watch;
        this.pending = pending;
        boolean choose = library != null && offersLibrary(library);
        this.planner = choose ? new MouthPlanner(library, frames, poses) : null;
        this.compositor = choose ? new MouthCompositor() : null;
        this.warp = choose ? null : new PhotoMouthWarp();
        this.poses = poses;
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
        return new MouthMethod(null, watch, targets, null, 0);
    }

    /** {@link #prepare(Supplier, FaceStage, Pending, int, int)} with targets known from the start. */
    public static MouthMethod prepare(Supplier<TemplateSource> template, FaceStage faces, MouthTargets targets,
                                      int frames, int librarySize) throws Exception {
        return prepare(template, faces, Pending.of(targets), frames, librarySize);
    }

    /**
     * Reads the template's mouths (the face stage keeps what it saw for the main pass); the frames are planned as their
     * speech is heard, so the speech and this reading go on side by side, and the video is made as the plan settles.
     * @param frames the job's output frames
     */
    public static MouthMethod prepare(Supplier<TemplateSource> template, FaceStage faces, Pending targets,
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
            return new MouthMethod(library, null, targets, poses, frames);
        } catch (RuntimeException | Error e) {
            library.close();
            throw e;
        }
    }

    /** {@code mouth-library} or {@code photo-warp}. */
    public String name() { return planner != null ? "mouth-library" : "photo-warp"; }

    /**
     * Waits until the speech around output frame {@code outputIndex} is heard: the photo warp's target for it, or, for the
     * library, until the plan has settled its mouth. {@link #render} asks too; the engine asks first so that the wait is
     * not counted as blending.
     */
    public void hear(int outputIndex) throws InterruptedException {
        if (planner == null) {
            if (heardIndex != outputIndex) {
                heard = pending.at(outputIndex);
                heardIndex = outputIndex;
            }
            return;
        }
        while (planner.settled() <= outputIndex) {
            MouthTarget target = pending.at(planner.fed());
            if (LOG.isTraceEnabled()) LOG.trace("frame {}: target {}", planner.fed(), target);
            planner.add(target);
        }
    }

    /**
     * Gives output frame {@code outputIndex} (which shows the face {@code face}) the mouth its speech needs, in place:
     * only the region the mouth changes is converted to BGR and back.
     */
    public void render(int outputIndex, Picture picture, FaceShape face) throws InterruptedException {
        if (planner == null) {
            // the photo warp goes frame by frame as the speech is heard
            if (MouthFrame.regular(face)) {
                hear(outputIndex);
                warp.apply(picture, face, heard);
            }
            return;
        }
        hear(outputIndex);
        int chosen = planner.choice(outputIndex);
        if (LOG.isTraceEnabled()) {
            if (chosen == MouthPlanner.OWN) LOG.trace("frame {}: its own mouth (no library mouth in its pose)", outputIndex);
            else LOG.trace("frame {}: mouth of source frame {} (opening {}, {})", outputIndex, library.get(chosen).sourceIndex(),
                    library.get(chosen).opening(), library.get(chosen).pose());
        }
        if (!MouthFrame.regular(face)) return; // no canonical frame for this face: the frame passes through
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
    public int sourceOf(int outputIndex) throws InterruptedException {
        if (planner == null) return -1;
        hear(outputIndex);
        int chosen = planner.choice(outputIndex);
        return chosen == MouthPlanner.OWN ? -1 : library.get(chosen).sourceIndex();
    }

    /** For the report: the method, what drove it, and what the template offered. */
    public Map<String, Object> describe() {
        if (targetSource == null && pending != null) {
            try {
                MouthTargets t = pending.get(); // heard by now: the pass is over
                targetSource = t.source();
                targetShares = t.shares();
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
