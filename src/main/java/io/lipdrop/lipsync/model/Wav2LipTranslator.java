package io.lipdrop.lipsync.model;

import io.lipdrop.lipsync.face.FaceBox;
import io.lipdrop.lipsync.face.FaceObservation;
import io.lipdrop.lipsync.face.MouthMask;
import io.lipdrop.lipsync.face.SeamBlend;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * Wav2Lip's model-specific pre- and post-processing, kept apart from running the model.
 * In: the face crop resized to S x S, BGR, divided by 255; channels 0-2 the crop with its lower half
 * zeroed (what the model must fill in), channels 3-5 the full crop (the reference).
 * Out: the prediction x 255, resized to the box and blended in with a feathered mask that follows the lower
 * face's landmarks (or a fixed lower-face mask without them), colour-matched at the seam, so there is no
 * rectangular seam (Wav2Lip pastes the whole square back hard) and nothing above the nose changes.
 * Not thread-safe: it reuses its scratch images.
 */
public final class Wav2LipTranslator implements AutoCloseable {
    private final int s;
    private final Mat blendMask;
    private final Mat crop = new Mat();
    private final byte[] cropBytes;
    private final byte[] patchBytes;
    private final Mat patch;
    private final Mat patchBig = new Mat();
    private final Mat maskBig = new Mat();
    private final Mat maskSmall = new Mat();
    private final Mat roiSmall = new Mat();
    private final MouthMask mouthMask = new MouthMask();

    private final SeamBlend seam = new SeamBlend();

    public Wav2LipTranslator(int faceSize) {
        this.s = faceSize;
        this.cropBytes = new byte[s * s * 3];
        this.patchBytes = new byte[s * s * 3];
        this.patch = new Mat(s, s, CV_8UC3);
        this.blendMask = new Mat(s, s, CV_32F);
        float[] m = lowerFaceMask(s);
        new FloatPointer(blendMask.data()).put(m);
    }

    public int faceSize() { return s; }

    /** Fills sample {@code slot} of the [B,6,S,S] face tensor from the box in {@code frame}. */
    public void faceInput(Mat frame, FaceBox box, float[] faces, int slot) {
        try (Rect r = rect(box); Mat roi = frame.apply(r)) {
            resize(roi, crop, new Size(s, s), 0, 0, box.width() > s ? INTER_AREA : INTER_LINEAR);
        }
        crop.data().get(cropBytes);
        int plane = s * s;
        int base = slot * 6 * plane;
        int half = (s / 2) * s;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = (cropBytes[p * 3 + c] & 0xff) / 255f;
                faces[base + c * plane + p] = p >= half ? 0f : v;
                faces[base + (3 + c) * plane + p] = v;
            }
        }
    }

    /** Blends sample {@code slot} of the [B,3,S,S] prediction back into {@code frame} with the fixed lower-face mask. */
    public void paste(float[] output, int slot, Mat frame, FaceBox box) {
        paste(output, slot, frame, new FaceObservation(box, null));
    }

    /**
     * Blends sample {@code slot} of the [B,3,S,S] prediction back into {@code frame} at the face's box: inside the
     * mask that follows the landmarks when there are some (else the fixed lower-face mask), with the prediction's
     * colour matched to the template's along the seam.
     */
    public void paste(float[] output, int slot, Mat frame, FaceObservation face) {
        FaceBox box = face.box();
        int plane = s * s;
        int base = slot * 3 * plane;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                int v = Math.round(output[base + c * plane + p] * 255f);
                patchBytes[p * 3 + c] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        patch.data().put(patchBytes);
        Mat mask = blendMask;
        if (face.hasLandmarks()) {
            mouthMask.render(face.shape(), box, s, s, maskSmall);
            mask = maskSmall;
        }
        try (Size size = new Size(box.width(), box.height()); Size small = new Size(s, s); Rect r = rect(box);
             Mat roi = frame.apply(r)) {
            // the seam colour is measured at the model's size: the same answer as at 1080p, for a fraction of the work
            resize(roi, roiSmall, small, 0, 0, box.width() > s ? INTER_AREA : INTER_LINEAR);
            seam.matchColour(roiSmall, patch, mask);
            resize(patch, patchBig, size, 0, 0, INTER_LINEAR);
            resize(mask, maskBig, size, 0, 0, INTER_LINEAR);
            seam.mix(roi, patchBig, maskBig);
        }
    }

    /**
     * The part of the frame {@link #paste(float[], int, Mat, FaceObservation)} changes ({x, y, width, height}): the
     * box below where its mask starts, under the nose less three feather widths with landmarks, the box's middle
     * without. The eyes and forehead above are never written back, so they keep the template's pixels exactly.
     */
    public static int[] pasteRegion(FaceObservation face) {
        FaceBox b = face.box();
        int top = b.y1() + b.height() / 2 - 2; // the fixed mask is 0 in the box's upper half
        if (face.hasLandmarks()) {
            double[] outline = MouthMask.outline(face.shape());
            double highest = Double.MAX_VALUE;
            for (int k = 1; k < outline.length; k += 2) highest = Math.min(highest, outline[k]);
            top = (int) Math.floor(highest - 3 * MouthMask.featherPixels(face.shape()) - 4);
        }
        top = Math.max(b.y1(), Math.min(b.y2(), top));
        return new int[] {b.x1(), top, b.width(), b.y2() - top};
    }

    /**
     * 0 in the upper half, rising to 1 below 65% of the height, feathered towards the sides and the chin,
     * so only the mouth and jaw are replaced.
     */
    static float[] lowerFaceMask(int s) {
        float[] m = new float[s * s];
        for (int y = 0; y < s; y++) {
            double vertical = smoothstep((y - 0.5 * s) / (0.15 * s)) * smoothstep((s - 1 - y) / (0.08 * s));
            for (int x = 0; x < s; x++) {
                double horizontal = smoothstep(x / (0.15 * s)) * smoothstep((s - 1 - x) / (0.15 * s));
                m[y * s + x] = (float) (vertical * horizontal);
            }
        }
        return m;
    }

    private static double smoothstep(double t) {
        double c = Math.max(0, Math.min(1, t));
        return c * c * (3 - 2 * c);
    }

    private static Rect rect(FaceBox b) {
        return new Rect(b.x1(), b.y1(), b.width(), b.height());
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {blendMask, crop, patch, patchBig, maskBig, maskSmall, roiSmall}) m.close();
        mouthMask.close();
        seam.close();
    }
}
