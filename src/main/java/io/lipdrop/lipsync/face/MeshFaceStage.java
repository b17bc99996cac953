package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The default face stage: BlazeFace finds the presenter, the face mesh follows and verifies it frame by frame
 * ({@link PresenterTracker}), and the landmarks are smoothed over time ({@link ShapeTrack}). The model's box is
 * the face oval's bounds, padded.
 */
public final class MeshFaceStage implements FaceStage {
    /** Below MediaPipe's 0.6: the mesh's presence check, not the detector's score, decides what is a face. */
    static final float DETECTOR_MIN_SCORE = 0.5f;

    private final BlazeFaceDetector detector;
    private final FaceMesh mesh;
    private final PresenterTracker tracker;
    private final ShapeTrack track;
    private final Padding padding;
    private final int every;
    private boolean anyFace;

    public MeshFaceStage(Path detectorModel, Path landmarkModel, Padding padding, int smoothWindow, int every) {
        this(detectorModel, landmarkModel, padding, smoothWindow, every, FaceChoice.LARGEST);
    }

    public MeshFaceStage(Path detectorModel, Path landmarkModel, Padding padding, int smoothWindow, int every, FaceChoice choice) {
        this.detector = new BlazeFaceDetector(detectorModel, DETECTOR_MIN_SCORE);
        this.mesh = new FaceMesh(landmarkModel);
        this.tracker = new PresenterTracker(detector, mesh, choice);
        this.track = new ShapeTrack(smoothWindow, every);
        this.padding = padding;
        this.every = Math.max(1, every);
    }

    @Override public boolean hasObservation(int sourceIndex) { return track.hasObservation(sourceIndex); }

    @Override
    public void observe(int sourceIndex, Mat frame) {
        observe(sourceIndex, Picture.view(frame));
    }

    /** The mesh converts only the region it looks at; the detector, when the presenter is lost, the whole frame. */
    @Override
    public void observe(int sourceIndex, Picture frame) {
        Optional<FaceShape> shape = sourceIndex % every == 0 ? tracker.next(frame) : Optional.empty();
        anyFace |= shape.isPresent();
        track.record(sourceIndex, shape);
    }

    @Override public void end(int sourceFrames) { track.end(sourceFrames); }
    @Override public boolean isSettled(int sourceIndex) { return track.isSettled(sourceIndex); }

    @Override
    public Optional<FaceObservation> face(int sourceIndex, int frameWidth, int frameHeight) {
        return track.smoothed(sourceIndex).map(s -> new FaceObservation(
                padding.apply(s.bounds(frameWidth, frameHeight), frameWidth, frameHeight), s))
                .filter(o -> o.box().width() > 1 && o.box().height() > 1);
    }

    @Override public Optional<FaceShape> measured(int sourceIndex) { return track.raw(sourceIndex); }
    @Override public boolean anyFace() { return anyFace; }
    @Override public int refused() { return tracker.refused(); }

    @Override
    public void close() {
        detector.close();
        mesh.close();
    }
}
