package io.lipdrop.lipsync.face;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Optional;

/**
 * The fallback face stage when the trained models cannot be had (or {@code face-detector=haar|lbp|xml}): an
 * OpenCV cascade on every {@code every}-th frame, boxes smoothed by Wav2Lip's rule ({@link FaceTrack}).
 * No landmarks: nothing is refused, and the blend uses the fixed lower-face mask.
 */
public final class CascadeFaceStage implements FaceStage {
    private final FaceDetector detector;
    private final FaceTrack track;
    private final Padding padding;
    private final int every;
    private final FaceChoice choice;
    private boolean anyFace;

    public CascadeFaceStage(FaceDetector detector, Padding padding, int smoothWindow, int every) {
        this(detector, padding, smoothWindow, every, FaceChoice.LARGEST);
    }

    /** @param choice which of several faces in a frame is the presenter (the cascade has no track: chosen per frame) */
    public CascadeFaceStage(FaceDetector detector, Padding padding, int smoothWindow, int every, FaceChoice choice) {
        this.detector = detector;
        this.choice = choice;
        this.every = Math.max(1, every);
        this.track = new FaceTrack(smoothWindow, this.every);
        this.padding = padding;
    }

    @Override public boolean hasObservation(int sourceIndex) { return track.hasDetection(sourceIndex); }

    @Override
    public void observe(int sourceIndex, Mat frame) {
        int w = frame.cols(), h = frame.rows();
        Optional<FaceBox> box = sourceIndex % every == 0
                ? choice.pick(detector.detectAll(frame), w, h).map(c -> padding.apply(c.box(w, h), w, h))
                : Optional.empty(); // between detections: the window interpolates
        anyFace |= box.isPresent();
        track.record(sourceIndex, box);
    }

    @Override public void end(int sourceFrames) { track.end(sourceFrames); }
    @Override public boolean isSettled(int sourceIndex) { return track.isSettled(sourceIndex); }

    @Override
    public Optional<FaceObservation> face(int sourceIndex, int frameWidth, int frameHeight) {
        return track.smoothed(sourceIndex).map(b -> new FaceObservation(b, null));
    }

    @Override public Optional<FaceShape> measured(int sourceIndex) { return Optional.empty(); }
    @Override public boolean anyFace() { return anyFace; }
    @Override public int refused() { return 0; }

    @Override
    public void close() { detector.close(); }
}
