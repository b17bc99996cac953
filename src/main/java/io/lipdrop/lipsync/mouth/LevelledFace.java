package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;

/**
 * A face's landmarks in its own levelled axes: origin between the outer eye corners, x along the eye line (to the
 * face's left), y down the face, in eye spans; so roll and scale drop out and a mouth can be measured against the
 * face that makes it.
 */
final class LevelledFace {
    private final FaceShape s;
    private final double cx, cy, cos, sin, span;

    LevelledFace(FaceShape s) {
        this.s = s;
        double roll = s.roll();
        this.cos = Math.cos(roll);
        this.sin = Math.sin(roll);
        this.cx = (s.x(FaceShape.RIGHT_EYE_OUTER) + s.x(FaceShape.LEFT_EYE_OUTER)) / 2.0;
        this.cy = (s.y(FaceShape.RIGHT_EYE_OUTER) + s.y(FaceShape.LEFT_EYE_OUTER)) / 2.0;
        this.span = Math.max(1e-3, s.eyeSpan());
    }

    double u(int mesh) { return ((s.x(mesh) - cx) * cos + (s.y(mesh) - cy) * sin) / span; }
    double v(int mesh) { return (-(s.x(mesh) - cx) * sin + (s.y(mesh) - cy) * cos) / span; }

    /** Frame pixel x of the levelled point (u, v). */
    double frameX(double u, double v) { return cx + (u * cos - v * sin) * span; }
    double frameY(double u, double v) { return cy + (u * sin + v * cos) * span; }

    double eyeSpanPixels() { return span; }

    /** The levelled y of the polyline through {@code points} (mesh indices, ordered along x either way) at u; NaN outside. */
    double along(int[] points, double u) {
        for (int k = 0; k + 1 < points.length; k++) {
            double u0 = u(points[k]), u1 = u(points[k + 1]);
            if ((u >= Math.min(u0, u1) && u <= Math.max(u0, u1)) && u0 != u1) {
                double t = (u - u0) / (u1 - u0);
                return v(points[k]) + t * (v(points[k + 1]) - v(points[k]));
            }
        }
        return Double.NaN;
    }
}
