package io.lipdrop.lipsync.face;

/**
 * Where the head points, in degrees: yaw (turned: positive when the face's left side, on the image's right, goes
 * away from the camera), pitch (positive when the chin comes towards the camera: the head tilted back) and roll (in
 * the image plane). From the mesh's 3-D points: the line between the outer eye corners and the line from the
 * forehead to the chin, as a camera sees them. A mouth cut from one pose fits a frame of another only when yaw and
 * pitch are close: roll and size the 2-D maps take care of.
 */
public record HeadPose(double yaw, double pitch, double roll) {
    public static final HeadPose FRONTAL = new HeadPose(0, 0, 0);

    static HeadPose of(FaceShape s) {
        int r = FaceShape.RIGHT_EYE_OUTER, l = FaceShape.LEFT_EYE_OUTER, top = FaceShape.FOREHEAD, chin = FaceShape.CHIN;
        double ex = s.x(l) - s.x(r), ey = s.y(l) - s.y(r), ez = s.z(l) - s.z(r);
        double vx = s.x(chin) - s.x(top), vy = s.y(chin) - s.y(top), vz = s.z(chin) - s.z(top);
        // the vertical axis made square to the horizontal one, so a yaw does not read as a pitch
        double e2 = ex * ex + ey * ey + ez * ez, dot = (vx * ex + vy * ey + vz * ez) / Math.max(1e-9, e2);
        vx -= dot * ex; vy -= dot * ey; vz -= dot * ez;
        return new HeadPose(Math.toDegrees(Math.atan2(ez, Math.hypot(ex, ey))), Math.toDegrees(Math.atan2(-vz, Math.hypot(vx, vy))),
                Math.toDegrees(Math.atan2(ey, ex)));
    }

    /** The larger of the yaw and pitch differences (degrees): how far apart two poses are for a mouth. */
    public double gap(HeadPose o) { return Math.max(Math.abs(yaw - o.yaw), Math.abs(pitch - o.pitch)); }

    @Override
    public String toString() { return String.format(java.util.Locale.ROOT, "yaw %.1f pitch %.1f roll %.1f", yaw, pitch, roll); }
}
