package io.lipdrop.lipsync.face;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_objdetect;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * OpenCV cascade detector using the cascades shipped inside the bytedeco OpenCV jar. It runs on a frame
 * downscaled to {@code detectWidth} pixels (cascades gain nothing from 1080p and cost 10x more) and
 * returns every face it finds (without keypoints).
 */
public final class CascadeFaceDetector implements FaceDetector {
    private static final String ROOT = "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/";

    private final CascadeClassifier classifier;
    private final int detectWidth;
    private final Mat small = new Mat();
    private final Mat gray = new Mat();

    /** @param cascade {@code haar} (frontalface_alt2), {@code lbp} (frontalface_improved) or a cascade XML path */
    public CascadeFaceDetector(String cascade, int detectWidth) {
        this.classifier = new CascadeClassifier(resolve(cascade).getAbsolutePath());
        if (classifier.empty()) throw new IllegalArgumentException("face cascade '" + cascade + "' could not be loaded");
        this.detectWidth = detectWidth;
    }

    private static File resolve(String cascade) {
        String resource = switch (cascade) {
            case "haar" -> ROOT + "haarcascades/haarcascade_frontalface_alt2.xml";
            case "lbp" -> ROOT + "lbpcascades/lbpcascade_frontalface_improved.xml";
            default -> null;
        };
        if (resource == null) return new File(cascade);
        try {
            Loader.load(opencv_objdetect.class);
            return Loader.cacheResource(CascadeFaceDetector.class, resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        }
    }

    @Override
    public List<FaceCandidate> detectAll(Mat bgr) {
        double scale = Math.min(1.0, (double) detectWidth / bgr.cols());
        if (scale < 1.0) {
            resize(bgr, small, new Size((int) Math.round(bgr.cols() * scale), (int) Math.round(bgr.rows() * scale)), 0, 0, INTER_AREA);
            cvtColor(small, gray, COLOR_BGR2GRAY);
        } else {
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
        }
        equalizeHist(gray, gray);
        int minSide = Math.max(24, gray.cols() / 12);
        List<FaceCandidate> found = new ArrayList<>();
        try (RectVector faces = new RectVector()) {
            classifier.detectMultiScale(gray, faces, 1.1, 4, 0, new Size(minSide, minSide), new Size());
            double inv = 1.0 / scale;
            for (long i = 0; i < faces.size(); i++) {
                Rect r = faces.get(i);
                found.add(new FaceCandidate((float) (r.x() * inv), (float) (r.y() * inv), (float) (r.width() * inv),
                        (float) (r.height() * inv), 1f, new float[0]));
            }
        }
        return found;
    }

    @Override
    public void close() {
        classifier.close();
        small.close();
        gray.close();
    }
}
