package io.lipdrop.lipsync.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * BlazeFace full-range post-processing, as MediaPipe's face_detection_full_range graph does it: a 48x48 grid of
 * unit anchors on the 192x192 input, box and keypoint offsets decoded against them, sigmoid scores above
 * {@code minScore}, then weighted non-maximum suppression (overlapping boxes are averaged by score, which is
 * steadier from frame to frame than keeping only the best). Pure arithmetic, apart from running the network.
 * Output coordinates are normalised to the (letterboxed) square input, [0,1].
 */
public final class BlazeFaceDecoder {
    public static final int INPUT = 192;
    static final int GRID = 48;
    static final int ANCHORS = GRID * GRID;
    static final int COORDS = 16;
    static final int KEYPOINTS = 6;

    private final float minScore;
    private final float nmsOverlap;

    public BlazeFaceDecoder(float minScore, float nmsOverlap) {
        this.minScore = minScore;
        this.nmsOverlap = nmsOverlap;
    }

    /** A detection in normalised input coordinates: cx, cy, w, h, score, then 6 keypoints (x,y). */
    record Raw(float cx, float cy, float w, float h, float score, float[] keypoints) {
        float x1() { return cx - w / 2; }
        float y1() { return cy - h / 2; }
        float x2() { return cx + w / 2; }
        float y2() { return cy + h / 2; }
    }

    /** @param regressors [2304 x 16] offsets, @param logits [2304] raw class scores */
    public List<Raw> decode(float[] regressors, float[] logits) {
        List<Raw> found = new ArrayList<>();
        for (int a = 0; a < ANCHORS; a++) {
            float logit = Math.max(-100f, Math.min(100f, logits[a]));
            float score = (float) (1 / (1 + Math.exp(-logit)));
            if (score < minScore) continue;
            float ax = ((a % GRID) + 0.5f) / GRID, ay = ((a / GRID) + 0.5f) / GRID;
            int o = a * COORDS;
            float[] kp = new float[KEYPOINTS * 2];
            for (int k = 0; k < KEYPOINTS; k++) {
                kp[2 * k] = regressors[o + 4 + 2 * k] / INPUT + ax;
                kp[2 * k + 1] = regressors[o + 5 + 2 * k] / INPUT + ay;
            }
            found.add(new Raw(regressors[o] / INPUT + ax, regressors[o + 1] / INPUT + ay,
                    regressors[o + 2] / INPUT, regressors[o + 3] / INPUT, score, kp));
        }
        return weightedNms(found);
    }

    private List<Raw> weightedNms(List<Raw> in) {
        List<Raw> remaining = new ArrayList<>(in);
        remaining.sort(Comparator.comparingDouble(Raw::score).reversed());
        List<Raw> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Raw best = remaining.get(0);
            List<Raw> cluster = new ArrayList<>();
            List<Raw> rest = new ArrayList<>();
            for (Raw r : remaining) (iou(best, r) > nmsOverlap ? cluster : rest).add(r);
            float total = 0, cx = 0, cy = 0, w = 0, h = 0;
            float[] kp = new float[KEYPOINTS * 2];
            for (Raw r : cluster) {
                total += r.score;
                cx += r.cx * r.score; cy += r.cy * r.score; w += r.w * r.score; h += r.h * r.score;
                for (int i = 0; i < kp.length; i++) kp[i] += r.keypoints[i] * r.score;
            }
            for (int i = 0; i < kp.length; i++) kp[i] /= total;
            out.add(new Raw(cx / total, cy / total, w / total, h / total, best.score, kp));
            remaining = rest;
        }
        return out;
    }

    static float iou(Raw a, Raw b) {
        float ix = Math.max(0, Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1()));
        float iy = Math.max(0, Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1()));
        float inter = ix * iy;
        float union = a.w * a.h + b.w * b.h - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
