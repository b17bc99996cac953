package io.lipdrop.lipsync.face;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Optional;

/** Finds the presenter's face in a BGR frame. Implementations need not be thread-safe. */
public interface FaceDetector extends AutoCloseable {
    Optional<FaceBox> detect(Mat bgr);

    @Override
    default void close() {}
}
