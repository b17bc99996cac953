package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_TRANSPARENT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_RELATIVE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * A talking photo: the photo has one mouth, so the mouth is moved instead of chosen. The target's vowel shape
 * ({@link PhotoMouthShape}) says how wide the mouth is, how open and how round its opening. A smooth displacement
 * field, in the face's own (levelled) axes, first moves the mouth corners out ("ee") or in ("oo", and a little for a
 * dropped jaw), then opens the lips: the upper lip and everything above stay, the lower lip follows the opening's
 * outline (a long lens for "ee", a round hole for "oo", a tall oval for "aa") and the chin and jaw drop with it; the
 * skin below the chin takes up the movement. A photo whose mouth is open is closed the same way (the lower lip rises).
 * The new gap is painted as the inside of a mouth ({@link PhotoMouthInterior}). Not thread-safe.
 *
 * <p>The field is zero well inside the region it is computed in, so every pixel it moves comes from the photo's own
 * pixels nearby; where the frame's edge clips the region a pixel whose source lies outside keeps its own value
 * (BORDER_TRANSPARENT): nothing is replicated from an edge.
 */
public final class PhotoMouthWarp implements AutoCloseable {
    /** Inner-lip gap at full opening, in eye spans (a wide-open mouth while speaking). */
    static final double MAX_DROP = 0.30;
    static final int[] UPPER_INNER = {78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308};
    static final int[] LOWER_INNER = {78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308};

    private final Mat mapX = new Mat();
    private final Mat mapY = new Mat();
    private final Mat fullX = new Mat();
    private final Mat fullY = new Mat();
    private final Mat warped = new Mat();
    private final PhotoMouthInterior interior = new PhotoMouthInterior();

    /**
     * Moves the mouth of {@code face} in the picture to the target. Only the warp's region is converted to BGR,
     * changed and converted back.
     */
    public void apply(Picture picture, FaceShape face, MouthTarget target) {
        Move m = Move.of(face, target, picture.width(), picture.height());
        if (m == null) return;
        Mat frame = picture.bgr(m.x1, m.y1, m.w, m.h);
        interior.sample(frame, face, m.x1, m.y1, m.w, m.h);
        warp(frame, m);
        picture.changed(m.x1, m.y1, m.w, m.h);
    }

    /**
     * Field samples per eye span: the half-size grid's density on a face 100 pixels across the eyes. A larger face
     * gets a coarser grid, the same density on the face (the field is smooth at the face's scale; where it bends, at
     * the new gap's edges, interpolation is off by a quarter of a step): on a face 420 pixels across the eyes at
     * 1080x1920 the half-size grid's 156,000 samples took 15 ms a frame.
     */
    static final double SAMPLES_PER_EYE = 50;

    /** The field on a coarser grid (at the points OpenCV's resize samples), scaled up. */
    private void warp(Mat frame, Move m) {
        int step = Math.max(2, (int) Math.round(m.eye / SAMPLES_PER_EYE));
        int gw = (m.w + step - 1) / step, gh = (m.h + step - 1) / step;
        mapX.create(gh, gw, CV_32F);
        mapY.create(gh, gw, CV_32F);
        double sx = m.w / (double) gw, sy = m.h / (double) gh;
        double[] src = new double[2];
        try (FloatIndexer mx = mapX.createIndexer(); FloatIndexer my = mapY.createIndexer()) {
            for (int gy = 0; gy < gh; gy++) {
                for (int gx = 0; gx < gw; gx++) {
                    double x = (gx + 0.5) * sx - 0.5 + m.x1, y = (gy + 0.5) * sy - 0.5 + m.y1;
                    m.source(x, y, src);
                    // a relative map: how far from this output pixel its source lies
                    mx.put(gy, gx, (float) (src[0] - x));
                    my.put(gy, gx, (float) (src[1] - y));
                }
            }
        }
        try (Size full = new Size(m.w, m.h)) {
            resize(mapX, fullX, full, 0, 0, INTER_LINEAR);
            resize(mapY, fullY, full, 0, 0, INTER_LINEAR);
        }
        exactAtTheLips(m, src, step);
        try (Rect r = new Rect(m.x1, m.y1, m.w, m.h); Mat roi = frame.apply(r); Scalar none = new Scalar(0, 0, 0, 0)) {
            roi.copyTo(warped); // BORDER_TRANSPARENT leaves a pixel whose source is off the region as it was
            remap(roi, warped, fullX, fullY, INTER_LINEAR | WARP_RELATIVE_MAP, BORDER_TRANSPARENT, none);
            interior.paint(warped, m);
            warped.copyTo(roi);
        }
    }

    /**
     * The field at every pixel where the lips meet when a photo's open mouth closes: the rows between its lips vanish
     * at that line, and a map interpolated from the coarser grid would show them (its teeth) there.
     */
    private void exactAtTheLips(Move m, double[] src, int step) {
        double across = m.half * Math.max(1, Math.max(m.kNeg, m.kPos)) + 2, top = Double.MAX_VALUE, bottom = -Double.MAX_VALUE;
        boolean closes = false;
        for (double u = -across; u <= across; u += 1) {
            double own = m.ownAt(u);
            closes |= own > m.gapAt(u) + 0.5;
            top = Math.min(top, m.upperAt(u));
            bottom = Math.max(bottom, m.upperAt(u) + own);
        }
        if (!closes) return; // an opening mouth's field is continuous: the grid holds it
        int[] b = m.box(across, top - 1 - step, bottom + 1 + step);
        try (FloatIndexer fx = fullX.createIndexer(); FloatIndexer fy = fullY.createIndexer()) {
            for (int y = b[1]; y <= b[3]; y++) {
                for (int x = b[0]; x <= b[2]; x++) {
                    m.source(x + m.x1, y + m.y1, src);
                    fx.put(y, x, (float) (src[0] - x - m.x1));
                    fy.put(y, x, (float) (src[1] - y - m.y1));
                }
            }
        }
    }

    /**
     * One frame's warp: the face's levelled axes (u across, v down the face, origin at the mouth centre), the lips'
     * lines, the vowel's shape and the region it changes. Output positions are written with a prime in comments.
     */
    static final class Move {
        final double eye, cos, sin, cx, cy;
        final PhotoMouthShape shape;
        /** Half the mouth's width (source), the lips' band (source v). */
        final double half, lipsTop, lipsBottom, band;
        /**
         * Each side's (u < 0, u > 0) width over the photo's and the reach beyond its corner over which the corner's
         * move fades (source): the room to the face's edge at the mouth limits both, so the cheek between is
         * stretched or squeezed by at most half (a wide smile's corner lies near the face's edge, and its cheek,
         * stretched 2.7x, showed as a smeared lump).
         */
        final double kNeg, kPos, rNeg, rPos;
        /** Target gap at the centre; the centre's own gap; the chin; half the jaw's width; the skin that takes up the drop. */
        final double gap, ownGap, chinV, halfJaw, below;
        /** Upper inner lip and the photo's own gap, sampled across the mouth (source u, one per pixel). */
        private final double[] upper, own;
        private final double u0;
        final int x1, y1, w, h;

        private Move(FaceShape face, PhotoMouthShape shape, int cols, int rows) {
            this.shape = shape;
            eye = face.eyeSpan();
            double roll = face.roll();
            cos = Math.cos(roll);
            sin = Math.sin(roll);
            cx = face.mouthCenterX();
            cy = face.mouthCenterY();
            half = face.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT) / 2;
            double move = half * (shape.width() - 1);
            rNeg = Math.max(0.2 * half, Math.min(1.2 * half, 0.85 * (-u(face, 58) - half)));
            rPos = Math.max(0.2 * half, Math.min(1.2 * half, 0.85 * (u(face, 288) - half)));
            kNeg = 1 + Math.max(-0.5 * rNeg, Math.min(0.5 * rNeg, move)) / half;
            kPos = 1 + Math.max(-0.5 * rPos, Math.min(0.5 * rPos, move)) / half;
            // the lips' band includes the corners: a smile's sit above the lips' middle
            double corners = Math.min(v(face, FaceShape.MOUTH_RIGHT), v(face, FaceShape.MOUTH_LEFT));
            lipsTop = Math.min(v(face, 0), corners);
            lipsBottom = Math.max(v(face, 17), Math.max(v(face, FaceShape.MOUTH_RIGHT), v(face, FaceShape.MOUTH_LEFT)));
            band = 0.25 * eye;
            chinV = v(face, FaceShape.CHIN);
            halfJaw = Math.max(half * 1.2, face.distance(172, 397) / 2 * 0.85);
            below = 0.35 * eye;
            u0 = -Math.ceil(half);
            int n = (int) (2 * Math.ceil(half)) + 1;
            upper = line(face, UPPER_INNER, n);
            double[] lower = line(face, LOWER_INNER, n);
            own = new double[n];
            for (int i = 0; i < n; i++) own[i] = Math.max(0, lower[i] - upper[i]);
            ownGap = own[n / 2];
            gap = shape.gap() * eye;
            // the region: everything the field moves, with room to spare (the field is zero at its edges)
            double across = Math.max(halfJaw, half + Math.max(rNeg, rPos)) + 0.1 * eye;
            double top = lipsTop - band - 0.05 * eye, bottom = chinV + Math.max(0, gap - ownGap) + below + 0.1 * eye;
            double xa = Double.MAX_VALUE, xb = -Double.MAX_VALUE, ya = Double.MAX_VALUE, yb = -Double.MAX_VALUE;
            for (double u : new double[] {-across, across}) {
                for (double v : new double[] {top, bottom}) {
                    double x = cx + u * cos - v * sin, y = cy + u * sin + v * cos;
                    xa = Math.min(xa, x); xb = Math.max(xb, x); ya = Math.min(ya, y); yb = Math.max(yb, y);
                }
            }
            x1 = clamp(Math.floor(xa), cols);
            y1 = clamp(Math.floor(ya), rows);
            int x2 = clamp(Math.ceil(xb), cols), y2 = clamp(Math.ceil(yb), rows);
            w = x2 - x1;
            h = y2 - y1;
        }

        /** The warp for this face and target in a {@code cols x rows} frame, or null when the frame stays as it is. */
        static Move of(FaceShape face, MouthTarget target, int cols, int rows) {
            Move m = new Move(face, PhotoMouthShape.of(target), cols, rows);
            boolean moves = Math.abs(m.gap - m.ownGap) >= 0.5 || Math.max(Math.abs(m.kNeg - 1), Math.abs(m.kPos - 1)) * m.half >= 0.5;
            return moves && m.w >= 8 && m.h >= 8 ? m : null;
        }

        /** The lips' inner line through these landmarks, in v, at each whole u across the mouth (flat beyond its ends). */
        private double[] line(FaceShape face, int[] points, int n) {
            double[] us = new double[points.length], vs = new double[points.length];
            for (int i = 0; i < points.length; i++) {
                double px = face.x(points[i]) - cx, py = face.y(points[i]) - cy;
                us[i] = px * cos + py * sin;
                vs[i] = -px * sin + py * cos;
            }
            double[] out = new double[n];
            for (int k = 0; k < n; k++) {
                double u = u0 + k;
                int j = 0;
                while (j < us.length - 2 && u > us[j + 1]) j++;
                double t = Math.max(0, Math.min(1, (u - us[j]) / Math.max(1e-6, us[j + 1] - us[j])));
                out[k] = vs[j] + (vs[j + 1] - vs[j]) * t;
            }
            return out;
        }

        private double at(double[] line, double u) {
            int k = (int) Math.round(u - u0);
            return line[Math.max(0, Math.min(line.length - 1, k))];
        }

        /** Upper inner lip (source v) under output column u'. */
        double upperAt(double uOut) { return at(upper, uOut / k(uOut)); }

        /** The width over the photo's on the side of output column u'. */
        double k(double uOut) { return uOut < 0 ? kNeg : kPos; }

        /** The photo's own gap under output column u'. */
        double ownAt(double uOut) { return Math.abs(uOut) >= half * k(uOut) ? 0 : at(own, uOut / k(uOut)); }

        /** The target gap at output column u': the opening's outline. */
        double gapAt(double uOut) { return gap * shape.outline(uOut / (half * k(uOut))); }

        /** What stays with each lip of the photo's own gap in column u' (its upper teeth stay up, lower ones go down). */
        double keptAt(double uOut) { return Math.min(ownAt(uOut), gapAt(uOut)) / 2; }

        /** The new gap in column u' (negative: the photo's own gap closes by that much). */
        double newGapAt(double uOut) { return gapAt(uOut) - ownAt(uOut); }

        /** How far the upper lip rises in column u' (its share of a new gap: most for rounded lips). */
        double liftAt(double uOut) { return Math.max(0, newGapAt(uOut)) * shape.lift(); }

        /** Top of the new gap (output v) in column u': the upper inner lip, raised. */
        double openTop(double uOut) { return upperAt(uOut) + keptAt(uOut) - liftAt(uOut); }

        /**
         * Where output pixel ({@code x}, {@code y}) takes its picture from, into {@code out} (frame pixels). The vertical
         * move is undone first (it acts after the corners moved), then the corners' move.
         */
        void source(double x, double y, double[] out) {
            double px = x - cx, py = y - cy;
            double u = px * cos + py * sin, v = -px * sin + py * cos;
            double vs = sourceV(u, v);
            double us = u + (acrossLips(u) - u) * alongLips(vs);
            out[0] = cx + us * cos - vs * sin;
            out[1] = cy + us * sin + vs * cos;
        }

        /** The vertical move undone: the row (before it) that output row v' of column u' shows. */
        private double sourceV(double u, double v) {
            double g = gapAt(u), o = ownAt(u), lip = g - o, up = Math.max(0, lip) * shape.lift();
            double split = upperAt(u) + Math.min(o, g) / 2, top = split - up;
            if (v <= top) {
                // the upper lip rises with the skin above it up to the nose, the lip itself keeping its thickness
                double from = lipsTop - band;
                return up <= 0 || v <= from ? v : v + up * smooth((v - from) / Math.max(1, top - from));
            }
            if (lip > 0 && v < split + lip - up) return split; // the new gap: painted over
            double down = lip - up;                           // the lower lip's move: opening (down) or closing (up)
            double jaw = (gap - ownGap) * (1 - shape.lift()) * window(u / halfJaw); // the chin's, across the jaw's width
            double t = smooth((v - lipsBottom - Math.max(0, down)) / Math.max(1, chinV - lipsBottom));
            double d = down + (jaw - down) * t;
            double past = v - chinV - d;                      // below the chin, the skin takes up the drop
            if (past > 0) d *= past >= below ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * past / below);
            return v - d;
        }

        /**
         * The corners' move undone at output column u': the mouth scaled to its new width, the cheek beyond the
         * corner taking up the move over the side's reach.
         */
        private double acrossLips(double u) {
            double k = k(u), r = u < 0 ? rNeg : rPos, a = Math.abs(u), corner = half * k;
            if (a <= corner) return u / k;
            double end = half + r;
            if (a >= end) return u;
            double f = 0.5 + 0.5 * Math.cos(Math.PI * (a - corner) / (end - corner));
            return Math.signum(u) * (a + (half - corner) * f);
        }

        /** 1 from the top of the upper lip to the bottom of the lower lip, fading above and below (source v). */
        private double alongLips(double v) {
            double out = Math.max(lipsTop - v, v - lipsBottom);
            return out <= 0 ? 1 : out >= band ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * out / band);
        }

        /** The region's pixels (x1, y1, x2, y2 inclusive, clipped) holding levelled |u| <= across, top <= v <= bottom. */
        int[] box(double across, double top, double bottom) {
            double xa = Double.MAX_VALUE, xb = -Double.MAX_VALUE, ya = Double.MAX_VALUE, yb = -Double.MAX_VALUE;
            for (double u : new double[] {-across, across}) {
                for (double v : new double[] {top, bottom}) {
                    double x = cx + u * cos - v * sin, y = cy + u * sin + v * cos;
                    xa = Math.min(xa, x); xb = Math.max(xb, x); ya = Math.min(ya, y); yb = Math.max(yb, y);
                }
            }
            return new int[] {Math.max(0, (int) Math.floor(xa) - x1), Math.max(0, (int) Math.floor(ya) - y1),
                    Math.min(w - 1, (int) Math.ceil(xb) - x1), Math.min(h - 1, (int) Math.ceil(yb) - y1)};
        }

        /** Levelled output coordinates of frame pixel (x, y), into {@code out}. */
        void levelled(double x, double y, double[] out) {
            double px = x - cx, py = y - cy;
            out[0] = px * cos + py * sin;
            out[1] = -px * sin + py * cos;
        }

        private double u(FaceShape s, int i) {
            double px = s.x(i) - cx, py = s.y(i) - cy;
            return px * cos + py * sin;
        }

        private double v(FaceShape s, int i) {
            double px = s.x(i) - cx, py = s.y(i) - cy;
            return -px * sin + py * cos;
        }
    }

    private static double window(double x) { return Math.abs(x) >= 1 ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * x); }

    private static double smooth(double t) {
        t = Math.max(0, Math.min(1, t));
        return t * t * (3 - 2 * t);
    }

    private static int clamp(double v, int limit) { return (int) Math.max(0, Math.min(limit, Math.round(v))); }

    @Override
    public void close() {
        for (Mat m : new Mat[] {mapX, mapY, fullX, fullY, warped}) m.close();
        interior.close();
    }
}
