package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.MouthMask;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_imgproc.Subdiv2D;
import org.bytedeco.opencv.opencv_imgproc.Vec6fVector;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32S;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;

/**
 * Where a library mouth's pixels go on another frame's face, turning with the head: a piecewise-affine (triangle)
 * warp of the lower face's landmarks. The points that speech does not move (eye corners, nose, cheeks beside the
 * nostrils, the sides of the face) go where this frame has them; the mouth, the lower cheeks and the jaw keep the
 * source's shape but are carried into this frame's pose through the mesh's 3-D points: an affine camera fitted
 * from the source's still points (x, y and depth) to this frame's. A mouth cut from a face turned 10 degrees one way
 * so lands with its near side wider and its far side narrower, as this frame's head shows it, where a map by the
 * eyes and nose alone (three points, {@link MouthFrame}) pasted it flat. A ring of points beyond the jaw carries the
 * same map out to where the blend ends, so the warp is continuous wherever the paste shows. Not thread-safe.
 */
final class PasteMesh implements AutoCloseable {
    /** Still points: the map puts them exactly on this frame's. */
    static final int[] STILL = {33, 133, 362, 263, 168, 6, 4, 1, 2, 98, 327, 50, 280, 205, 425, 187, 411, 234, 454, 93, 323, 127, 356};
    /** Points speech moves: they keep the source's shape, carried into this frame's pose. */
    static final int[] CARRIED = {164, 207, 427, 216, 436, 192, 416, 214, 434, 132, 361, 58, 172, 136, 150, 149, 176, 148, 152,
            377, 400, 378, 379, 365, 397, 288, 61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84,
            181, 91, 146, 13, 14};
    /** Points pushed out from the mouth into the ring (the jaw and the face's sides), and how far. */
    static final int[] RING_FROM = {234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288,
            361, 323, 454};
    static final double RING = 1.6;
    /** Ridge on the depth terms of the fit, a share of the data's own weight: a face with flat depth stays well posed. */
    static final double DEPTH_RIDGE = 1e-3;
    /** Points kept per mouth: STILL then CARRIED. */
    static final int[] POINTS;
    private static final int STILL_COUNT = STILL.length, INNER_UPPER = 13, INNER_LOWER = 14;

    static {
        POINTS = new int[STILL.length + CARRIED.length];
        System.arraycopy(STILL, 0, POINTS, 0, STILL.length);
        System.arraycopy(CARRIED, 0, POINTS, STILL.length, CARRIED.length);
        for (int i : POINTS) if (!FaceShape.kept(i)) throw new IllegalStateException("mesh point " + i + " is not kept");
        for (int i : RING_FROM) if (slot(i) < 0) throw new IllegalStateException("ring point " + i + " is not a paste point");
        for (int i : MouthMask.JAW) if (slot(i) < 0) throw new IllegalStateException("jaw point " + i + " is not a paste point");
        for (int i : MouthMask.TOP) if (slot(i) < 0) throw new IllegalStateException("nose point " + i + " is not a paste point");
    }

    private final Mat ids = new Mat();
    private final Mat triangle = new Mat(3, 1, CV_32SC2);

    /**
     * A source mouth placed on this frame: its points in the patch (x, y) and on this frame (x, y), the ring
     * included, the triangles over them (indices into the points), and the source's lower-face outline on this frame.
     */
    record Placement(double[] patch, double[] frame, int[] triangles, double[] outline) {
        /** The source's outer lips as placed on this frame, x,y pairs ({@link FaceShape#LIPS_OUTER} order). */
        double[] lips() {
            double[] xy = new double[2 * FaceShape.LIPS_OUTER.length];
            for (int k = 0; k < FaceShape.LIPS_OUTER.length; k++) {
                int s = slot(FaceShape.LIPS_OUTER[k]);
                xy[2 * k] = frame[2 * s];
                xy[2 * k + 1] = frame[2 * s + 1];
            }
            return xy;
        }
    }

    /** The mouth's paste points in its patch (x, y, depth triples, patch pixels), from its source frame's face. */
    static float[] points(FaceShape s, Mat toPatch) {
        double[] a = coefficients(toPatch);
        // depth in patch pixels: the map's own scale (the square root of its area change)
        double scale = Math.sqrt(Math.abs(a[0] * a[4] - a[1] * a[3]));
        float[] out = new float[3 * POINTS.length];
        for (int k = 0; k < POINTS.length; k++) {
            int i = POINTS[k];
            out[3 * k] = (float) (a[0] * s.x(i) + a[1] * s.y(i) + a[2]);
            out[3 * k + 1] = (float) (a[3] * s.x(i) + a[4] * s.y(i) + a[5]);
            out[3 * k + 2] = (float) (s.z(i) * scale);
        }
        return out;
    }

    /** Places {@code mouth} on {@code face}. */
    Placement place(MouthEntry mouth, FaceShape face) {
        float[] p = mouth.points();
        int n = POINTS.length;
        double[][] camera = fit(p, face);
        double[] patch = new double[2 * (n + RING_FROM.length)], frame = new double[patch.length];
        for (int k = 0; k < n; k++) {
            patch[2 * k] = p[3 * k];
            patch[2 * k + 1] = p[3 * k + 1];
            if (k < STILL_COUNT) {
                frame[2 * k] = face.x(POINTS[k]);
                frame[2 * k + 1] = face.y(POINTS[k]);
            } else {
                for (int c = 0; c < 2; c++) {
                    double[] m = camera[c];
                    frame[2 * k + c] = m[0] * p[3 * k] + m[1] * p[3 * k + 1] + m[2] * p[3 * k + 2] + m[3];
                }
            }
        }
        ring(patch, n);
        ring(frame, n);
        return new Placement(patch, frame, triangles(patch, n + RING_FROM.length), outline(frame));
    }

    /**
     * Fills {@code mapX, mapY} (CV_32F, {@code w x h}) with the patch position each pixel of the region at
     * {@code x0, y0} shows; pixels beyond the triangles get a position outside the patch (nothing to show).
     */
    void maps(Placement pl, int x0, int y0, int w, int h, Mat mapX, Mat mapY) {
        maps(pl, x0, y0, 1, w, h, mapX, mapY);
    }

    /**
     * The same on a grid of {@code scale} x {@code scale} pixel cells ({@code w x h} cells), each cell's map taken at
     * its centre (what a paste works out on its cells: the patch's validity, the audit; its picture is mapped by the
     * pixels' own map, which a bilinear scaling of this one misses by several patch pixels where thin triangles
     * meet). Scale 1 is the pixels themselves.
     */
    void maps(Placement pl, int x0, int y0, int scale, int w, int h, Mat mapX, Mat mapY) {
        ids.create(h, w, CV_32S);
        try (Scalar none = new Scalar(0)) { ids.put(none); }
        int[] t = pl.triangles();
        double[] f = pl.frame(), q = pl.patch();
        int count = t.length / 3;
        double[][] inverse = new double[count][];
        try (IntIndexer tri = triangle.createIndexer()) {
            for (int j = 0; j < count; j++) {
                int a = t[3 * j], b = t[3 * j + 1], c = t[3 * j + 2];
                inverse[j] = affine(f[2 * a], f[2 * a + 1], f[2 * b], f[2 * b + 1], f[2 * c], f[2 * c + 1],
                        q[2 * a], q[2 * a + 1], q[2 * b], q[2 * b + 1], q[2 * c], q[2 * c + 1]);
                if (inverse[j] == null) continue; // flat on this frame: its neighbours cover its pixels
                for (int v = 0; v < 3; v++) {
                    int i = t[3 * j + v];
                    tri.put(v, 0, 0, (int) Math.round(scale == 1 ? f[2 * i] - x0 : (f[2 * i] - x0 + 0.5) / scale - 0.5));
                    tri.put(v, 0, 1, (int) Math.round(scale == 1 ? f[2 * i + 1] - y0 : (f[2 * i + 1] - y0 + 0.5) / scale - 0.5));
                }
                try (Scalar id = new Scalar(j + 1)) { fillConvexPoly(ids, triangle, id, 8, 0); }
            }
        }
        mapX.create(h, w, CV_32F);
        mapY.create(h, w, CV_32F);
        // rows through NIO buffers (bulk copies; the indexers' array calls went element by element: 40% of this loop)
        int[] row = new int[w];
        float[] xs = new float[w], ys = new float[w];
        // the pixels' x, the same for every row: worked out once, not per pixel (the first JIT tier keeps no loop
        // invariant out of a loop)
        double half = (scale - 1) / 2.0;
        double[] fxs = new double[w];
        for (int i = 0; i < w; i++) fxs[i] = x0 + i * scale + half;
        IntBuffer in = ids.createBuffer();
        FloatBuffer mx = mapX.createBuffer(), my = mapY.createBuffer();
        for (int y = 0; y < h; y++) {
            in.position(y * w);
            in.get(row);
            double fy = y0 + y * scale + half;
            // run by run of one triangle: its map's row terms once, then one pass that maps pixels while the run lasts
            // (the same sums in the same order as per pixel, so the same floats)
            for (int x = 0; x < w; ) {
                int id = row[x];
                double[] m = id > 0 ? inverse[id - 1] : null;
                if (m == null) {
                    int end = x + 1;
                    while (end < w && row[end] == id) end++;
                    java.util.Arrays.fill(xs, x, end, -1e4f);
                    java.util.Arrays.fill(ys, x, end, -1e4f);
                    x = end;
                    continue;
                }
                double a0 = m[0], b0 = m[1] * fy, c0 = m[2], a1 = m[3], b1 = m[4] * fy, c1 = m[5];
                do {
                    double fx = fxs[x];
                    xs[x] = (float) (a0 * fx + b0 + c0);
                    ys[x] = (float) (a1 * fx + b1 + c1);
                    x++;
                } while (x < w && row[x] == id);
            }
            mx.position(y * w);
            mx.put(xs);
            my.position(y * w);
            my.put(ys);
        }
    }

    /**
     * The affine camera (two rows of x, y, depth, 1) that takes the mouth's still points in its patch to this frame's:
     * least squares, with a small ridge on depth.
     */
    static double[][] fit(float[] p, FaceShape face) {
        double[][] ata = new double[4][4];
        double[][] atb = new double[2][4];
        for (int k = 0; k < STILL_COUNT; k++) {
            double[] row = {p[3 * k], p[3 * k + 1], p[3 * k + 2], 1};
            double[] target = {face.x(STILL[k]), face.y(STILL[k])};
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) ata[r][c] += row[r] * row[c];
                for (int d = 0; d < 2; d++) atb[d][r] += row[r] * target[d];
            }
        }
        ata[2][2] += DEPTH_RIDGE * (ata[0][0] + ata[1][1]) + 1e-6;
        return new double[][] {solve(ata, atb[0]), solve(ata, atb[1])};
    }

    /** The ring: each of {@link #RING_FROM} pushed {@link #RING} times its distance from the mouth's centre. */
    private static void ring(double[] xy, int n) {
        double cx = 0, cy = 0;
        int[] mouth = {FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT, INNER_UPPER, INNER_LOWER};
        for (int i : mouth) { cx += xy[2 * slot(i)] / 4; cy += xy[2 * slot(i) + 1] / 4; }
        for (int r = 0; r < RING_FROM.length; r++) {
            int s = slot(RING_FROM[r]);
            xy[2 * (n + r)] = cx + RING * (xy[2 * s] - cx);
            xy[2 * (n + r) + 1] = cy + RING * (xy[2 * s + 1] - cy);
        }
    }

    /** {@link MouthMask#outline} drawn from the placed points: the source's lower face as it lies on this frame. */
    private static double[] outline(double[] frame) {
        int[] mouth = {FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT, INNER_UPPER, INNER_LOWER};
        double mx = 0, my = 0;
        for (int i : mouth) { mx += frame[2 * slot(i)] / 4; my += frame[2 * slot(i) + 1] / 4; }
        double[] xy = new double[2 * (MouthMask.JAW.length + MouthMask.TOP.length)];
        int k = 0;
        for (int i : MouthMask.JAW) {
            double x = frame[2 * slot(i)], y = frame[2 * slot(i) + 1];
            xy[k++] = x + (x - mx) * MouthMask.JAW_MARGIN;
            xy[k++] = y + (y - my) * MouthMask.JAW_MARGIN;
        }
        for (int i : MouthMask.TOP) { xy[k++] = frame[2 * slot(i)]; xy[k++] = frame[2 * slot(i) + 1]; }
        return xy;
    }

    /** Delaunay triangles over the first {@code count} points (the inner-lip points left out: they meet when closed). */
    static int[] triangles(double[] xy, int count) {
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int k = 0; k < count; k++) {
            minX = Math.min(minX, xy[2 * k]); maxX = Math.max(maxX, xy[2 * k]);
            minY = Math.min(minY, xy[2 * k + 1]); maxY = Math.max(maxY, xy[2 * k + 1]);
        }
        int skipUpper = slot(INNER_UPPER), skipLower = slot(INNER_LOWER);
        List<Integer> out = new ArrayList<>();
        try (Rect bounds = new Rect((int) Math.floor(minX) - 2, (int) Math.floor(minY) - 2,
                (int) Math.ceil(maxX - minX) + 5, (int) Math.ceil(maxY - minY) + 5);
             Subdiv2D subdiv = new Subdiv2D(bounds)) {
            for (int k = 0; k < count; k++) {
                if (k == skipUpper || k == skipLower) continue;
                try (Point2f p = new Point2f((float) xy[2 * k], (float) xy[2 * k + 1])) { subdiv.insert(p); }
            }
            try (Vec6fVector tri = new Vec6fVector()) {
                subdiv.getTriangleList(tri);
                for (long r = 0; r < tri.size(); r++) {
                    FloatPointer t = tri.get(r);
                    int[] v = new int[3];
                    boolean ours = true;
                    for (int c = 0; c < 3 && ours; c++) {
                        v[c] = nearest(xy, count, t.get(2 * c), t.get(2 * c + 1), skipUpper, skipLower);
                        ours = v[c] >= 0;
                    }
                    if (ours) for (int c : v) out.add(c);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The point at (x, y) (within a hundredth of a pixel), or -1: one of Subdiv2D's own outer corners. */
    private static int nearest(double[] xy, int count, double x, double y, int skipA, int skipB) {
        for (int k = 0; k < count; k++) {
            if (k == skipA || k == skipB) continue;
            if (Math.abs(xy[2 * k] - x) < 0.01 && Math.abs(xy[2 * k + 1] - y) < 0.01) return k;
        }
        return -1;
    }

    /** Index of a mesh point among {@link #POINTS}, or -1. */
    static int slot(int meshIndex) {
        for (int k = 0; k < POINTS.length; k++) if (POINTS[k] == meshIndex) return k;
        return -1;
    }

    /** The six coefficients of a 2x3 affine Mat (CV_64F). */
    private static double[] coefficients(Mat a) {
        try (org.bytedeco.javacpp.indexer.DoubleIndexer ix = a.createIndexer()) {
            return new double[] {ix.get(0, 0), ix.get(0, 1), ix.get(0, 2), ix.get(1, 0), ix.get(1, 1), ix.get(1, 2)};
        }
    }

    /** The affine taking triangle (x1..y3) to (u1..v3), as six coefficients; null when the first is flat. */
    static double[] affine(double x1, double y1, double x2, double y2, double x3, double y3,
                           double u1, double v1, double u2, double v2, double u3, double v3) {
        double det = (x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1);
        if (Math.abs(det) < 1e-6) return null;
        // (u, v) = A (x - x1, y - y1) + (u1, v1), A from the two edge vectors
        double a = ((u2 - u1) * (y3 - y1) - (u3 - u1) * (y2 - y1)) / det;
        double b = ((u3 - u1) * (x2 - x1) - (u2 - u1) * (x3 - x1)) / det;
        double c = ((v2 - v1) * (y3 - y1) - (v3 - v1) * (y2 - y1)) / det;
        double d = ((v3 - v1) * (x2 - x1) - (v2 - v1) * (x3 - x1)) / det;
        return new double[] {a, b, u1 - a * x1 - b * y1, c, d, v1 - c * x1 - d * y1};
    }

    /** Solves the 4x4 system {@code m x = b} (Gaussian elimination with partial pivoting). */
    private static double[] solve(double[][] m, double[] b) {
        int n = 4;
        double[][] a = new double[n][n + 1];
        for (int r = 0; r < n; r++) {
            System.arraycopy(m[r], 0, a[r], 0, n);
            a[r][n] = b[r];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
            double[] swap = a[c]; a[c] = a[pivot]; a[pivot] = swap;
            if (Math.abs(a[c][c]) < 1e-12) throw new IllegalArgumentException("degenerate face landmarks");
            for (int r = c + 1; r < n; r++) {
                double k = a[r][c] / a[c][c];
                for (int j = c; j <= n; j++) a[r][j] -= k * a[c][j];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int j = r + 1; j < n; j++) s -= a[r][j] * x[j];
            x[r] = s / a[r][r];
        }
        return x;
    }

    @Override
    public void close() {
        ids.close();
        triangle.close();
    }
}
