package io.lipdrop.lipsync.face;

import org.bytedeco.opencv.opencv_dnn.Net;

import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;

/**
 * Loads a TFLite model into an OpenCV net, one load at a time. OpenCV 4.14's TFLite importer is not safe to run
 * from two threads at once: with two jobs starting together it failed with "Unsupported operator type CONV_2D".
 * The nets it returns are each a job's own and run in parallel without harm.
 */
final class TfliteNets {
    private static final Object IMPORTER = new Object();

    private TfliteNets() {}

    static Net read(Path model) {
        synchronized (IMPORTER) {
            return readNetFromTFLite(model.toString());
        }
    }
}
