package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.IntIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.boundingRect;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.fillPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_RELATIVE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * A talking photo: the photo has one mouth, so the mouth is moved instead of chosen. A smooth displacement
 * field, in the face's own (levelled) axes, moves the lower lip, chin and jaw so the gap between the lips is the
 * one the speech asks for (down to open, up to close a mouth the photo shows open) while the mouth corners, the
 * upper lip and everything above stay; the skin below the chin takes up the movement. The gap that opens between the lips is painted as a dark mouth interior (a hint of upper teeth when
 * it is wide), feathered. A rounded target draws the corners in, a spread one pulls them out. Not thread-safe.
 */
public final class PhotoMouthWarp implements AutoCloseable {
    /** Inner-lip gap at full opening, in eye spans (a wide-open mouth while speaking). */
    static final double MAX_DROP = 0.30;
    /** Corner movement at full spread or rounding, in eye spans. */
    static final double MAX_SPREAD = 0.05;
    static final int[] UPPER_INNER = {78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308};
    /** A dark, warm mouth interior and slightly dim, warm off-white teeth (BGR). */
    static final double[] INTERIOR = {30, 28, 60}, TEETH = {170, 185, 200};

    private final Mat mapX = new Mat();
    private final Mat mapY = new Mat();
    private final Mat fullX = new Mat();
    private final Mat fullY = new Mat();
    private final Mat warped = new Mat();
    private final Mat interior = new Mat();

    /** What one frame's warp needs: the movement, the face's levelled axes and the region it changes. */
    private record Move(double eye, double drop, double spread, double cos, double sin, double cx, double cy, double lipV,
                        double kept, double split, double chinV, double halfMouth, double halfJaw, double below,
                        int x1, int y1, int w, int h) {}

    /** The warp for this face and target in a {@code cols x rows} frame, or null when the frame stays as it is. */
    private static Move move(FaceShape face, MouthTarget target, int cols, int rows) {
        double eye = face.eyeSpan();
        double ownGap = face.distance(FaceShape.UPPER_LIP_INNER, FaceShape.LOWER_LIP_INNER);
        double drop = target.openness() * MAX_DROP * eye - ownGap;
        double spread = target.spread() * MAX_SPREAD * eye;
        if (Math.abs(drop) < 0.5 && Math.abs(spread) < 0.5) return null;
        double roll = face.roll(), cos = Math.cos(roll), sin = Math.sin(roll);
        double cx = face.mouthCenterX(), cy = face.mouthCenterY();
        // the face's levelled axes, origin at the mouth centre: u across, v down the face
        double lipV = v(face, FaceShape.UPPER_LIP_INNER, cx, cy, cos, sin);
        // opening: the upper half of what the lips already show (upper teeth) stays with the upper lip, the lower half
        // drops with the jaw, and the new gap opens between them; closing: the lower lip rises to the upper one
        double kept = drop > 0 ? ownGap / 2 : 0;
        double split = lipV + kept;
        double chinV = v(face, FaceShape.CHIN, cx, cy, cos, sin);
        double halfMouth = face.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT) / 2;
        double halfJaw = Math.max(halfMouth * 1.2, face.distance(172, 397) / 2 * 0.85);
        double below = 0.35 * eye; // the skin below the chin that takes up the drop

        int x1 = clamp(cx - halfJaw * 1.6 - eye * 0.2, cols), x2 = clamp(cx + halfJaw * 1.6 + eye * 0.2, cols);
        int y1 = clamp(cy - eye * 0.6, rows), y2 = clamp(cy + chinV + drop + below + eye * 0.3, rows);
        int w = x2 - x1, h = y2 - y1;
        if (w < 8 || h < 8) return null;
        return new Move(eye, drop, spread, cos, sin, cx, cy, lipV, kept, split, chinV, halfMouth, halfJaw, below, x1, y1, w, h);
    }

    /**
     * Moves the mouth of {@code face} in the picture to the target: the gap between the lips becomes the target's (a
     * photo whose mouth is open closes it in silence, by raising the lower lip and jaw). Only the warp's region is
     * converted to BGR, changed and converted back.
     */
    public void apply(Picture picture, FaceShape face, MouthTarget target) {
        Move m = move(face, target, picture.width(), picture.height());
        if (m == null) return;
        apply(picture.bgr(m.x1(), m.y1(), m.w(), m.h()), face, m);
        picture.changed(m.x1(), m.y1(), m.w(), m.h());
    }

    /** The move within its region of the BGR {@code frame}, valid there. */
    private void apply(Mat frame, FaceShape face, Move m) {
        double eye = m.eye(), drop = m.drop(), spread = m.spread(), cos = m.cos(), sin = m.sin(), cx = m.cx(), cy = m.cy();
        double lipV = m.lipV(), kept = m.kept(), split = m.split(), chinV = m.chinV(), halfMouth = m.halfMouth();
        double halfJaw = m.halfJaw(), below = m.below();
        int x1 = m.x1(), y1 = m.y1(), w = m.w(), h = m.h();
        // the displacement is smooth and fades to nothing at the region's edges: it is computed on a half-size grid
        // (at the points OpenCV's resize samples) and scaled up, a quarter of the work per frame
        int gw = (w + 1) / 2, gh = (h + 1) / 2;
        mapX.create(gh, gw, CV_32F);
        mapY.create(gh, gw, CV_32F);
        double sx = w / (double) gw, sy = h / (double) gh;
        double lipsReach = halfMouth * 1.6, lipsWidth = 0.12 * eye;
        try (FloatIndexer mx = mapX.createIndexer(); FloatIndexer my = mapY.createIndexer()) {
            for (int gy = 0; gy < gh; gy++) {
                for (int gx = 0; gx < gw; gx++) {
                    double x = (gx + 0.5) * sx - 0.5, y = (gy + 0.5) * sy - 0.5;
                    double px = x + x1 - cx, py = y + y1 - cy;
                    double u = px * cos + py * sin, v = -px * sin + py * cos;
                    // vertical: 0 above the lips' meeting line, the full drop from the opened lower lip to the chin,
                    // back to 0 below it; horizontally it narrows from the jaw's width to the mouth's at the lips
                    // (closing: the lower lip and jaw rise by the gap, straight from the upper lip down)
                    double fv;
                    if (v <= split) fv = 0;
                    else if (drop > 0 && v < split + drop) fv = (v - split) / drop;
                    else if (v < chinV + drop) fv = 1;
                    else fv = Math.max(0, 1 - (v - chinV - drop) / below);
                    double dv = 0;
                    if (fv > 0) {
                        double t = Math.max(0, Math.min(1, (v - lipV) / Math.max(1e-6, chinV - lipV)));
                        double half = halfMouth * 1.15 + (halfJaw - halfMouth * 1.15) * t;
                        double fu = Math.abs(u) >= half ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * u / half);
                        dv = drop * fv * fu;
                    }
                    // corners: out (spread) or in (round), strongest at the lips' level
                    double du = 0;
                    if (spread != 0 && Math.abs(u) < lipsReach) {
                        double q = (v - lipV) / lipsWidth;
                        du = spread * (u / Math.max(1, halfMouth)) * Math.exp(-q * q);
                    }
                    // inverse map: how far from this output pixel its source lies (the displacement turned back
                    // into image axes)
                    mx.put(gy, gx, (float) (-du * cos + dv * sin));
                    my.put(gy, gx, (float) (-du * sin - dv * cos));
                }
            }
        }
        try (Size full = new Size(w, h)) {
            resize(mapX, fullX, full, 0, 0, INTER_LINEAR);
            resize(mapY, fullY, full, 0, 0, INTER_LINEAR);
        }
        try (Rect r = new Rect(x1, y1, w, h); Mat roi = frame.apply(r); Scalar none = new Scalar(0, 0, 0, 0)) {
            // the maps hold displacements, not positions (no identity map to add)
            remap(roi, warped, fullX, fullY, INTER_LINEAR | WARP_RELATIVE_MAP, BORDER_REPLICATE, none);
            if (drop >= 1) paintInterior(face, warped, x1, y1, kept, drop, cos, sin, cx, cy);
            warped.copyTo(roi);
        }
    }

    /**
     * Darkens the new gap: under the upper inner lip moved down by {@code half} (what stays with the upper lip) and
     * {@code drop} deep, both tapering to nothing at the mouth corners, feathered over a pixel or two.
     */
    private void paintInterior(FaceShape face, Mat img, int x0, int y0, double half, double drop, double cos, double sin,
                               double cx, double cy) {
        int n = 2 * UPPER_INNER.length;
        int x0b, y0b, x1b, y1b;
        double halfWidth = face.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT) / 2 * 1.15;
        try (Mat pts = new Mat(1, n, CV_32SC2); Scalar white = new Scalar(255, 255, 255, 255)) {
            try (IntIndexer p = pts.createIndexer()) {
                for (int j = 0; j < UPPER_INNER.length; j++) {
                    int i = UPPER_INNER[j];
                    double px = face.x(i) - cx, py = face.y(i) - cy;
                    double u = px * cos + py * sin;
                    double fu = Math.abs(u) >= halfWidth ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * u / halfWidth);
                    // top edge left to right, then the bottom edge right to left: one simple polygon
                    double top = half * fu, bottom = (half + drop) * fu;
                    p.put(0, j, 0, (int) Math.round(face.x(i) - sin * top - x0));
                    p.put(0, j, 1, (int) Math.round(face.y(i) + cos * top - y0));
                    p.put(0, n - 1 - j, 0, (int) Math.round(face.x(i) - sin * bottom - x0));
                    p.put(0, n - 1 - j, 1, (int) Math.round(face.y(i) + cos * bottom - y0));
                }
            }
            interior.create(img.rows(), img.cols(), CV_8U);
            try (Scalar black = new Scalar(0)) { interior.put(black); }
            try (org.bytedeco.opencv.opencv_core.MatVector polys = new org.bytedeco.opencv.opencv_core.MatVector(pts);
                 org.bytedeco.opencv.opencv_core.Point origin = new org.bytedeco.opencv.opencv_core.Point(0, 0)) {
                fillPoly(interior, polys, white, LINE_AA, 0, origin);
            }
            try (Rect b = boundingRect(pts)) { // the gap, with room for the blur below: the loops look nowhere else
                x0b = Math.max(0, b.x() - 3);
                y0b = Math.max(0, b.y() - 3);
                x1b = Math.min(img.cols(), b.x() + b.width() + 3);
                y1b = Math.min(img.rows(), b.y() + b.height() + 3);
            }
        }
        try (Size k = new Size(3, 3)) { GaussianBlur(interior, interior, k, 0.8, 0.8, BORDER_CONSTANT, 0); }
        double teethDepth = drop * 0.3, mouthX = cx - x0;
        double teethHalf = 0.65 * face.distance(FaceShape.MOUTH_RIGHT, FaceShape.MOUTH_LEFT) / 2;
        // a hint of upper teeth when the photo shows none of its own (a closed mouth) and the gap is wide
        boolean wide = drop > 0.1 * face.eyeSpan() && half < 0.025 * face.eyeSpan();
        try (UByteIndexer m = interior.createIndexer(); UByteIndexer ix = img.createIndexer()) {
            for (int x = x0b; x < x1b; x++) {
                int top = -1;
                // the upper teeth: under the upper lip, in the middle of the mouth only, fading into its shadow
                double across = wide ? Math.max(0, Math.min(1, 3 * (1 - Math.abs(x - mouthX) / teethHalf))) : 0;
                for (int y = y0b; y < y1b; y++) {
                    int a = m.get(y, x);
                    if (a == 0) continue;
                    if (top < 0) top = y;
                    double alpha = a / 255.0;
                    double depth = (y - top) / Math.max(1, teethDepth);
                    double teeth = depth < 1 ? across * Math.pow(1 - depth, 0.7) : 0;
                    for (int c = 0; c < 3; c++) {
                        double colour = INTERIOR[c] * (1 - teeth) + TEETH[c] * teeth;
                        ix.put(y, x, c, (int) Math.round(ix.get(y, x, c) * (1 - alpha) + colour * alpha));
                    }
                }
            }
        }
    }

    private static double v(FaceShape s, int i, double cx, double cy, double cos, double sin) {
        double px = s.x(i) - cx, py = s.y(i) - cy;
        return -px * sin + py * cos;
    }

    private static int clamp(double v, int limit) { return (int) Math.max(0, Math.min(limit, Math.round(v))); }

    @Override
    public void close() {
        for (Mat m : new Mat[] {mapX, mapY, fullX, fullY, warped, interior}) m.close();
    }
}
