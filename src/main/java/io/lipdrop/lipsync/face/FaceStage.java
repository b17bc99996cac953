package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Optional;

/**
 * The face stage of one job: fed the template's frames in source order on the first pass, it answers, for any
 * source frame once settled (its smoothing window complete), where the presenter's face is. Frames replayed
 * by the ping-pong timeline are answered from what was recorded, not detected again. Not thread-safe.
 */
public interface FaceStage extends AutoCloseable {
    /** True when source frame {@code sourceIndex} has been looked at already. */
    boolean hasObservation(int sourceIndex);

    /** Looks at the next source frame (frames arrive in order, each once). */
    void observe(int sourceIndex, Mat frame);

    /** {@link #observe(int, Mat)} for a picture: the whole frame in BGR unless the stage needs less of it. */
    default void observe(int sourceIndex, Picture frame) {
        observe(sourceIndex, frame.bgr());
    }

    /** Marks the end of the source (the number of source frames). */
    void end(int sourceFrames);

    boolean isSettled(int sourceIndex);

    /** The presenter's face in this source frame, padded as the model wants it, or empty (passes through). */
    Optional<FaceObservation> face(int sourceIndex, int frameWidth, int frameHeight);

    /** The landmarks measured on this very source frame, unsmoothed (empty when not measured, or no landmarks). */
    Optional<FaceShape> measured(int sourceIndex);

    /** True once any source frame had a face. */
    boolean anyFace();

    /** Boxes the detector proposed that the landmark check refused. */
    int refused();

    @Override
    void close();
}
