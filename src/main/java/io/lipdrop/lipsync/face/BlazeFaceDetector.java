package io.lipdrop.lipsync.face;

import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * MediaPipe BlazeFace (full range: faces from close-ups down to small ones in a wide frame), run by OpenCV's
 * TFLite importer. The frame is letterboxed into the 192x192 input (aspect kept, black bars), as MediaPipe
 * does, so a 9:16 phone video is not squashed; detections are mapped back to frame pixels.
 * Not thread-safe: it reuses its network and scratch images.
 */
public final class BlazeFaceDetector implements FaceDetector {
    private final Net net;
    private final StringVector outputs;
    private final BlazeFaceDecoder decoder;
    private final Mat square = new Mat(BlazeFaceDecoder.INPUT, BlazeFaceDecoder.INPUT, CV_8UC3);
    private final Mat small = new Mat();
    private final Scalar black = new Scalar(0, 0, 0, 0);
    private final float[] regressors = new float[BlazeFaceDecoder.ANCHORS * BlazeFaceDecoder.COORDS];
    private final float[] logits = new float[BlazeFaceDecoder.ANCHORS];

    /** @param minScore MediaPipe's own threshold for this model is 0.6; lower finds more and refuses more later */
    public BlazeFaceDetector(Path model, float minScore) {
        this.net = TfliteNets.read(model);
        if (net.empty()) throw new IllegalArgumentException("cannot load the face detector " + model);
        this.outputs = net.getUnconnectedOutLayersNames();
        this.decoder = new BlazeFaceDecoder(minScore, 0.3f);
    }

    @Override
    public List<FaceCandidate> detectAll(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        int side = Math.max(w, h);
        double scale = (double) BlazeFaceDecoder.INPUT / side;
        int sw = Math.max(1, (int) Math.round(w * scale)), sh = Math.max(1, (int) Math.round(h * scale));
        int ox = (BlazeFaceDecoder.INPUT - sw) / 2, oy = (BlazeFaceDecoder.INPUT - sh) / 2;
        square.put(black);
        try (Size size = new Size(sw, sh); Rect r = new Rect(ox, oy, sw, sh); Mat roi = square.apply(r)) {
            resize(bgr, small, size, 0, 0, INTER_AREA);
            small.copyTo(roi);
        }
        try (Size in = new Size(BlazeFaceDecoder.INPUT, BlazeFaceDecoder.INPUT);
             Scalar mean = new Scalar(127.5, 127.5, 127.5, 0);
             Mat blob = blobFromImage(square, 1 / 127.5, in, mean, true, false, CV_32F);
             MatVector outs = new MatVector()) {
            net.setInput(blob);
            net.forward(outs, outputs);
            for (long i = 0; i < outs.size(); i++) {
                try (Mat o = outs.get(i); Mat flat = o.reshape(1, 1); FloatIndexer ix = flat.createIndexer()) {
                    float[] target = o.total() == logits.length ? logits : o.total() == regressors.length ? regressors : null;
                    if (target == null) throw new IllegalStateException("unexpected face detector output of " + o.total() + " values");
                    ix.get(0, 0, target);
                }
            }
        }
        List<FaceCandidate> found = new ArrayList<>();
        for (BlazeFaceDecoder.Raw d : decoder.decode(regressors, logits)) {
            // normalised square input -> frame pixels, undoing the letterbox
            float[] kp = new float[d.keypoints().length];
            for (int k = 0; k < kp.length; k += 2) {
                kp[k] = (float) ((d.keypoints()[k] * BlazeFaceDecoder.INPUT - ox) / scale);
                kp[k + 1] = (float) ((d.keypoints()[k + 1] * BlazeFaceDecoder.INPUT - oy) / scale);
            }
            float x = (float) ((d.x1() * BlazeFaceDecoder.INPUT - ox) / scale);
            float y = (float) ((d.y1() * BlazeFaceDecoder.INPUT - oy) / scale);
            found.add(new FaceCandidate(x, y, (float) (d.w() * BlazeFaceDecoder.INPUT / scale),
                    (float) (d.h() * BlazeFaceDecoder.INPUT / scale), d.score(), kp));
        }
        return found;
    }

    @Override
    public void close() {
        net.close();
        square.close();
        small.close();
        black.close();
    }
}
