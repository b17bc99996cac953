package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * MediaPipe's 468-point face mesh (face_landmark.tflite) run by OpenCV's TFLite importer on a 192x192 crop of
 * the {@link FaceRoi}; returns the landmarks in frame pixels with the mesh's face-presence score (the sigmoid of
 * its face flag), which is what tells a real face from a box a detector drew around a wheel or a pattern.
 * Not thread-safe: it reuses its network and scratch images.
 */
public final class FaceMesh implements AutoCloseable {
    public static final int INPUT = 192;
    private static final int POINTS = 468;

    private final Net net;
    private final StringVector outputs;
    private final Mat crop = new Mat();
    private final Mat affine = new Mat(2, 3, CV_64F);
    private final float[] raw = new float[POINTS * 3];
    private final float[] all = new float[POINTS * 2];
    private final float[] depth = new float[POINTS];

    public FaceMesh(Path model) {
        this.net = TfliteNets.read(model);
        if (net.empty()) throw new IllegalArgumentException("cannot load the face landmark model " + model);
        this.outputs = net.getUnconnectedOutLayersNames();
    }

    /** The landmarks in {@code roi}, converting to BGR only the part of the picture the rotated square covers. */
    public FaceShape estimate(Picture picture, FaceRoi roi) {
        double half = roi.size() / 2 * (Math.abs(Math.cos(roi.angle())) + Math.abs(Math.sin(roi.angle()))) + 2;
        int x = (int) Math.floor(roi.cx() - half), y = (int) Math.floor(roi.cy() - half);
        int side = (int) Math.ceil(2 * half) + 1;
        return estimate(picture.bgr(x, y, side, side), roi);
    }

    public FaceShape estimate(Mat bgr, FaceRoi roi) {
        double k = roi.size() / INPUT, cos = Math.cos(roi.angle()), sin = Math.sin(roi.angle());
        double[] origin = roi.toFrame(0, 0, INPUT);
        try (DoubleIndexer m = affine.createIndexer()) {
            // crop pixel (u,v) -> frame point: the inverse map warpAffine samples with
            m.put(0, 0, k * cos); m.put(0, 1, -k * sin); m.put(0, 2, origin[0] + 0.5 * k * (cos - sin));
            m.put(1, 0, k * sin); m.put(1, 1, k * cos); m.put(1, 2, origin[1] + 0.5 * k * (sin + cos));
        }
        float presence;
        try (Size size = new Size(INPUT, INPUT); Scalar black = new Scalar(0, 0, 0, 0)) {
            warpAffine(bgr, crop, affine, size, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT, black);
            try (Mat blob = blobFromImage(crop, 1 / 255.0, size, black, true, false, CV_32F);
                 MatVector outs = new MatVector()) {
                net.setInput(blob);
                net.forward(outs, outputs);
                float flag = Float.NaN;
                boolean landmarks = false;
                for (long i = 0; i < outs.size(); i++) {
                    try (Mat o = outs.get(i); Mat flat = o.reshape(1, 1); FloatIndexer ix = flat.createIndexer()) {
                        if (o.total() == raw.length) { ix.get(0, 0, raw); landmarks = true; }
                        else if (o.total() == 1) flag = ix.get(0, 0);
                    }
                }
                if (!landmarks || Float.isNaN(flag)) throw new IllegalStateException("unexpected face landmark model outputs");
                presence = (float) (1 / (1 + Math.exp(-flag)));
            }
        }
        for (int p = 0; p < POINTS; p++) {
            double[] f = roi.toFrame(raw[3 * p], raw[3 * p + 1], INPUT);
            all[2 * p] = (float) f[0];
            all[2 * p + 1] = (float) f[1];
            depth[p] = (float) (raw[3 * p + 2] * roi.size() / INPUT); // z is in the crop's pixels, like x and y
        }
        return FaceShape.fromMesh(all, depth, presence);
    }

    @Override
    public void close() {
        net.close();
        crop.close();
        affine.close();
    }
}
