package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The inside of the mouth the photo warp opens, in the photo's own colours: the lips' colour darkened, darker
 * toward the middle and back of the opening (a mouth has depth; a flat fill reads as a hole cut in the picture),
 * upper teeth under the upper lip and, when the mouth is spread or wide, a hint of lower teeth on the lower lip.
 * The teeth are the skin's brightness, nearly grey (a black-and-white photo gets grey teeth and a grey mouth),
 * shaded under the lip and toward the corners where they turn away. Not thread-safe.
 */
final class PhotoMouthInterior implements AutoCloseable {
    /** Mouth points between the outer and inner lip (the lips' colour), as outer-inner pairs. */
    private static final int[][] LIPS = {{0, 13}, {37, 82}, {267, 312}, {17, 14}, {84, 87}, {314, 317}};
    /** Where teeth meet, eye spans from the middle: the central incisors, the lateral ones, the canines. */
    private static final double[] TOOTH_EDGES = {0, 0.085, 0.155, 0.215};
    private final double[] lip = new double[3], skin = new double[3], edge = new double[3], back = new double[3],
            teeth = new double[3];

    /** Takes the lips' and the skin's colours from the frame (BGR, valid in the region at x0, y0). */
    void sample(Mat frame, FaceShape face, int x0, int y0, int w, int h) {
        java.util.Arrays.fill(lip, 0);
        java.util.Arrays.fill(skin, 0);
        double eye = face.eyeSpan();
        double ux = (face.x(FaceShape.MOUTH_LEFT) - face.x(FaceShape.MOUTH_RIGHT)) / Math.max(1, 2 * face.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT));
        double uy = (face.y(FaceShape.MOUTH_LEFT) - face.y(FaceShape.MOUTH_RIGHT)) / Math.max(1, 2 * face.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT));
        try (UByteIndexer ix = frame.createIndexer()) {
            int n = 0;
            for (int[] p : LIPS) {
                n += add(ix, (face.x(p[0]) + face.x(p[1])) / 2, (face.y(p[0]) + face.y(p[1])) / 2, x0, y0, w, h, lip);
            }
            scale(lip, n);
            // beside the corners and above the chin: skin the warp does not darken
            double off = 0.24 * eye;
            n = add(ix, face.x(FaceShape.MOUTH_RIGHT) - ux * off, face.y(FaceShape.MOUTH_RIGHT) - uy * off, x0, y0, w, h, skin);
            n += add(ix, face.x(FaceShape.MOUTH_LEFT) + ux * off, face.y(FaceShape.MOUTH_LEFT) + uy * off, x0, y0, w, h, skin);
            n += add(ix, (face.x(17) + 2 * face.x(FaceShape.CHIN)) / 3, (face.y(17) + 2 * face.y(FaceShape.CHIN)) / 3, x0, y0, w, h, skin);
            scale(skin, n);
        }
        double luma = 0.114 * skin[0] + 0.587 * skin[1] + 0.299 * skin[2];
        // teeth inside a mouth are in its shade: about the skin's brightness, never white
        double teethLuma = Math.max(140, Math.min(215, 0.8 * luma + 30));
        for (int c = 0; c < 3; c++) {
            edge[c] = lip[c] * 0.60;
            back[c] = lip[c] * 0.12;
            teeth[c] = Math.min(235, teethLuma * (0.85 + 0.15 * skin[c] / Math.max(1, luma)));
        }
    }

    /** Adds the mean of a 3x3 patch at (x, y) to {@code sum}; 1, or 0 when the patch is outside the region. */
    private static int add(UByteIndexer ix, double x, double y, int x0, int y0, int w, int h, double[] sum) {
        int cx = (int) Math.round(x), cy = (int) Math.round(y);
        if (cx - 1 < x0 || cy - 1 < y0 || cx + 1 >= x0 + w || cy + 1 >= y0 + h) return 0;
        for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) for (int c = 0; c < 3; c++) sum[c] += ix.get(cy + dy, cx + dx, c) / 9.0;
        return 1;
    }

    private static void scale(double[] v, int n) {
        if (n == 0) java.util.Arrays.fill(v, 128); // nothing to sample (a face at the frame's edge): mid grey
        else for (int c = 0; c < 3; c++) v[c] /= n;
    }

    /** Paints the gap the move opens into {@code img}, the move's region. */
    void paint(Mat img, PhotoMouthWarp.Move m) {
        PhotoMouthShape s = m.shape;
        double newGap = m.gap - m.ownGap;
        if (newGap < 1) return;
        double halfMouth = m.half * Math.min(m.kNeg, m.kPos), halfOpen = halfMouth * s.reach();
        double halfTeeth = Math.min(0.7 * halfMouth, 0.95 * halfOpen);
        // upper teeth only where the photo shows none of its own (its own stay with the upper lip), hidden by rounded lips
        double shown = (1 - s.round()) * Math.max(0, Math.min(1, (0.03 * m.eye - m.ownGap) / (0.015 * m.eye)));
        double upperTeeth = Math.min(0.075 * m.eye, 0.5 * newGap) * shown;
        double lowerTeeth = Math.min(0.035 * m.eye, 0.25 * newGap) * shown
                * Math.max(s.spread(), Math.min(1, (newGap / m.eye - 0.10) / 0.08));
        // the tongue's height over the opening's, showing as the jaw drops past a small opening
        double tongue = 0.35 * Math.max(0, Math.min(1, (newGap / m.eye - 0.08) / 0.12));
        // what each column of the opening holds, one per whole u (levelled) from -reach: its top and height, the
        // teeth's depth below the top and above the bottom, their shade
        int reach = (int) Math.ceil(halfOpen + 2), n = 2 * reach + 1;
        double[] top = new double[n], gap = new double[n], upper = new double[n], lower = new double[n], turn = new double[n];
        double highest = Double.MAX_VALUE, lowest = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            double u = i - reach;
            top[i] = m.openTop(u);
            gap[i] = Math.max(0, m.newGapAt(u));
            highest = Math.min(highest, top[i]);
            lowest = Math.max(lowest, top[i] + gap[i]);
            double side = Math.abs(u) / halfTeeth;
            if (side >= 1) { upper[i] = lower[i] = -1; continue; }
            double curve = Math.sqrt(1 - side * side);
            // each upper tooth's edge rounds off toward its neighbours, a faint shade where two meet
            upper[i] = upperTeeth * curve - 0.15 * upperTeeth * between(Math.abs(u) / m.eye, 0.015);
            lower[i] = lowerTeeth * curve;
            turn[i] = (1 - 0.45 * side * side) * (1 - 0.22 * between(Math.abs(u) / m.eye, 0.008));
        }
        int[] b = m.box(reach, highest - 2, lowest + 2);
        int xa = b[0], ya = b[1], xb = Math.min(img.cols() - 1, b[2]), yb = Math.min(img.rows() - 1, b[3]);
        double[] uv = new double[2], colour = new double[3];
        try (UByteIndexer ix = img.createIndexer()) {
            for (int y = ya; y <= yb; y++) {
                for (int x = xa; x <= xb; x++) {
                    m.levelled(x + m.x1, y + m.y1, uv);
                    double u = uv[0], v = uv[1], at = u + reach;
                    if (at < 0 || at >= n - 1) continue;
                    int i = (int) at;
                    double f = at - i, h = gap[i] + (gap[i + 1] - gap[i]) * f;
                    if (h <= 0.3) continue;
                    double d = v - (top[i] + (top[i + 1] - top[i]) * f);
                    double inside = Math.min(d, h - d);
                    if (inside <= -0.5) continue;
                    double alpha = Math.min(1, inside + 0.5) * Math.min(1, h); // a gap under a pixel is faint
                    // depth: darkest in the middle of the opening, the lips' shadow colour at its rim
                    double across = u / halfOpen, down = 2 * Math.max(0, Math.min(1, d / h)) - 1;
                    double depth = Math.sqrt(Math.max(0, 1 - across * across - down * down));
                    for (int c = 0; c < 3; c++) colour[c] = edge[c] + (back[c] - edge[c]) * depth * Math.sqrt(depth);
                    // the tongue: lying low in a wide-open mouth, its back in the shadow
                    double surface = h * (1 - tongue * (1 - 0.6 * across * across));
                    if (tongue > 0 && d > surface - 0.5) {
                        double k = Math.min(1, d - surface + 0.5), lit = 0.55 + 0.45 * smooth((d - surface) / (0.5 * tongue * h + 1e-6));
                        for (int c = 0; c < 3; c++) colour[c] += (lip[c] * 0.62 * lit * (1 - 0.4 * across * across) - colour[c]) * k;
                    }
                    int j = f < 0.5 ? i : i + 1;
                    if (upper[j] >= 0) {
                        tooth(colour, upper[j] - d, turn[j] * (0.65 + 0.3 * smooth(d / (0.45 * upper[j] + 1e-6))));
                        tooth(colour, lower[j] - (h - d), turn[j] * 0.8);
                    }
                    for (int c = 0; c < 3; c++) ix.put(y, x, c, (int) Math.round(ix.get(y, x, c) * (1 - alpha) + colour[c] * alpha));
                }
            }
        }
    }

    /** Teeth over the colour where {@code within} (pixels inside the teeth's edge) is positive, the edge anti-aliased. */
    private void tooth(double[] colour, double within, double shade) {
        double k = Math.max(0, Math.min(1, within + 0.5));
        if (k <= 0) return;
        for (int c = 0; c < 3; c++) colour[c] += (teeth[c] * shade - colour[c]) * k;
    }

    /** How near {@code u} (eye spans from the middle) is to where two teeth meet: 1 there, 0 a few {@code width}s away. */
    private static double between(double u, double width) {
        double near = 0;
        for (double edge : TOOTH_EDGES) {
            double d = (u - edge) / width;
            near = Math.max(near, Math.exp(-d * d));
        }
        return near;
    }

    private static double smooth(double t) {
        t = Math.max(0, Math.min(1, t));
        return t * t * (3 - 2 * t);
    }

    @Override
    public void close() {}
}
