package io.lipdrop.lipsync.face;

import java.util.Arrays;

/**
 * The presenter's face in one frame: the face mesh landmarks that LipDrop uses (face oval, lips, eyes, nose and
 * cheeks, a fixed subset of MediaPipe's 468: under 1.5 KB a frame for the template's track) in frame pixels, their
 * depth (the mesh's z, frame pixels, smaller is nearer the camera; 0 where unknown), and the mesh's face-presence
 * score. Immutable.
 */
public final class FaceShape {
    /** MediaPipe face mesh indices of the face oval, clockwise from the forehead. */
    public static final int[] FACE_OVAL = {10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379,
            378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109};
    public static final int[] LIPS_OUTER = {61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17,
            84, 181, 91, 146};
    public static final int[] LIPS_INNER = {78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14,
            87, 178, 88, 95};
    /** Below the nose and on the cheeks beside the mouth: the upper edge of the lower-face mask. */
    public static final int[] NOSE_AND_CHEEKS = {1, 2, 4, 6, 98, 327, 164, 168, 205, 425, 50, 280, 187, 411, 207, 427,
            216, 436, 192, 416, 214, 434};
    public static final int[] EYES = {33, 133, 362, 263, 159, 145, 386, 374};

    public static final int RIGHT_EYE_OUTER = 33, LEFT_EYE_OUTER = 263, UPPER_LIP_INNER = 13, LOWER_LIP_INNER = 14,
            MOUTH_RIGHT = 61, MOUTH_LEFT = 291, CHIN = 152, FOREHEAD = 10;

    static final int[] KEPT;
    private static final int[] SLOT = new int[468];

    static {
        int[][] groups = {FACE_OVAL, LIPS_OUTER, LIPS_INNER, NOSE_AND_CHEEKS, EYES};
        KEPT = Arrays.stream(groups).flatMapToInt(Arrays::stream).distinct().toArray();
        Arrays.fill(SLOT, -1);
        for (int i = 0; i < KEPT.length; i++) SLOT[KEPT[i]] = i;
    }

    private final float[] xy;
    private final float[] z;
    private final float presence;

    /** @param xy x,y of each index in {@link #KEPT}, frame pixels (depth unknown: 0) */
    FaceShape(float[] xy, float presence) { this(xy, new float[KEPT.length], presence); }

    /** @param z depth of each index in {@link #KEPT}, frame pixels */
    FaceShape(float[] xy, float[] z, float presence) {
        if (xy.length != KEPT.length * 2 || z.length != KEPT.length) throw new IllegalArgumentException("need " + KEPT.length + " points");
        this.xy = xy;
        this.z = z;
        this.presence = presence;
    }

    /** From all 468 mesh points (x,y pairs and depths, frame pixels). */
    static FaceShape fromMesh(float[] all, float[] depth, float presence) {
        float[] xy = new float[KEPT.length * 2];
        float[] z = new float[KEPT.length];
        for (int i = 0; i < KEPT.length; i++) {
            xy[2 * i] = all[2 * KEPT[i]];
            xy[2 * i + 1] = all[2 * KEPT[i] + 1];
            z[i] = depth[KEPT[i]];
        }
        return new FaceShape(xy, z, presence);
    }

    public float presence() { return presence; }
    public float x(int meshIndex) { return xy[2 * slot(meshIndex)]; }
    public float y(int meshIndex) { return xy[2 * slot(meshIndex) + 1]; }
    /** Depth of the point: frame pixels, smaller is nearer the camera (the mesh's own origin). */
    public float z(int meshIndex) { return z[slot(meshIndex)]; }

    /** Whether a mesh index is among the kept points. */
    public static boolean kept(int meshIndex) { return meshIndex >= 0 && meshIndex < SLOT.length && SLOT[meshIndex] >= 0; }

    /** The head's yaw, pitch and roll, from the mesh's 3-D points ({@link HeadPose#of}). */
    public HeadPose headPose() { return HeadPose.of(this); }

    private static int slot(int meshIndex) {
        int s = meshIndex >= 0 && meshIndex < SLOT.length ? SLOT[meshIndex] : -1;
        if (s < 0) throw new IllegalArgumentException("mesh point " + meshIndex + " is not kept");
        return s;
    }

    public float distance(int a, int b) { return (float) Math.hypot(x(a) - x(b), y(a) - y(b)); }

    /** Distance between the eyes' outer corners: the face's scale, unaffected by the mouth. */
    public float eyeSpan() { return distance(RIGHT_EYE_OUTER, LEFT_EYE_OUTER); }

    /** Outer lip height (top of the upper lip to the bottom of the lower lip) minus the inner gap, over the eye span:
     *  how full the lips show (pressed lips are thin). */
    public float lipFullness() { return (distance(0, 17) - distance(UPPER_LIP_INNER, LOWER_LIP_INNER)) / Math.max(1e-3f, eyeSpan()); }

    /** Mouth width (corner to corner) divided by the eye span. */
    public float mouthWidth() { return distance(MOUTH_RIGHT, MOUTH_LEFT) / Math.max(1e-3f, eyeSpan()); }

    /** Inner-lip gap divided by the eye span. */
    public float mouthOpening() { return distance(UPPER_LIP_INNER, LOWER_LIP_INNER) / Math.max(1e-3f, eyeSpan()); }

    public float mouthCenterX() { return (x(MOUTH_RIGHT) + x(MOUTH_LEFT) + x(UPPER_LIP_INNER) + x(LOWER_LIP_INNER)) / 4; }
    public float mouthCenterY() { return (y(MOUTH_RIGHT) + y(MOUTH_LEFT) + y(UPPER_LIP_INNER) + y(LOWER_LIP_INNER)) / 4; }

    /**
     * Where the base of the nose sits relative to the eyes, in the eyes' own axes and eye spans: x turns with the
     * head's yaw, y with its pitch. Mouths from frames with a similar pose fit each other best.
     */
    public float[] pose() {
        double a = roll(), cos = Math.cos(a), sin = Math.sin(a);
        double mx = (x(RIGHT_EYE_OUTER) + x(LEFT_EYE_OUTER)) / 2, my = (y(RIGHT_EYE_OUTER) + y(LEFT_EYE_OUTER)) / 2;
        double dx = x(2) - mx, dy = y(2) - my, span = Math.max(1e-3, eyeSpan());
        return new float[] {(float) ((dx * cos + dy * sin) / span), (float) ((-dx * sin + dy * cos) / span)};
    }

    /** Roll of the head: angle of the line from the right eye to the left eye (image coordinates, radians). */
    public double roll() { return Math.atan2(y(LEFT_EYE_OUTER) - y(RIGHT_EYE_OUTER), x(LEFT_EYE_OUTER) - x(RIGHT_EYE_OUTER)); }

    /** The bounds of the face oval (forehead to chin, cheek to cheek), clamped to the frame. */
    public FaceBox bounds(int frameWidth, int frameHeight) {
        float x1 = Float.MAX_VALUE, y1 = Float.MAX_VALUE, x2 = -Float.MAX_VALUE, y2 = -Float.MAX_VALUE;
        for (int i : FACE_OVAL) {
            x1 = Math.min(x1, x(i)); y1 = Math.min(y1, y(i)); x2 = Math.max(x2, x(i)); y2 = Math.max(y2, y(i));
        }
        return new FaceBox(Math.max(0, Math.round(x1)), Math.max(0, Math.round(y1)),
                Math.min(frameWidth, Math.round(x2)), Math.min(frameHeight, Math.round(y2)));
    }

    /** Weighted mean of shapes (weights need not sum to 1): the track's temporal smoothing. */
    static FaceShape mean(FaceShape[] shapes, double[] weights, int n) {
        float[] xy = new float[KEPT.length * 2];
        float[] z = new float[KEPT.length];
        double total = 0, presence = 0;
        for (int s = 0; s < n; s++) total += weights[s];
        for (int s = 0; s < n; s++) {
            double w = weights[s] / total;
            presence += shapes[s].presence * w;
            float[] p = shapes[s].xy, d = shapes[s].z;
            for (int i = 0; i < xy.length; i++) xy[i] += (float) (p[i] * w);
            for (int i = 0; i < z.length; i++) z[i] += (float) (d[i] * w);
        }
        return new FaceShape(xy, z, (float) presence);
    }
}
