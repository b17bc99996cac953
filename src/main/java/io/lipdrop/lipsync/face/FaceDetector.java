package io.lipdrop.lipsync.face;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Proposes the faces in a BGR frame. Implementations need not be thread-safe. */
public interface FaceDetector extends AutoCloseable {
    List<FaceCandidate> detectAll(Mat bgr);

    /** The largest face's box: the presenter in a single-person frame. */
    default Optional<FaceBox> detect(Mat bgr) {
        return detectAll(bgr).stream().max(Comparator.comparingDouble(FaceCandidate::area))
                .map(c -> c.box(bgr.cols(), bgr.rows()));
    }

    @Override
    default void close() {}
}
