package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Follows one presenter through a video, frame by frame in source order, the way MediaPipe's face mesh
 * pipeline does: while the face is held, the mesh runs on the region of the previous frame's landmarks and the
 * detector is not needed; when it is lost (or at the start) the detector proposes faces and the mesh decides
 * which are real (its face-presence score and the landmarks' geometry), refusing boxes on wheels, fabric or
 * shadows. The presenter is the face the job's {@link FaceChoice} prefers at the start (the largest by default,
 * or the leftmost, rightmost or most central real face); afterwards only a face near where the presenter was is
 * taken back, so the track never jumps to another person. Not thread-safe.
 */
public final class PresenterTracker {
    /** Faces refused below this presence; real faces score above 0.99, other regions below 0.05. */
    static final float MIN_PRESENCE = 0.5f;
    /** How far (in the presenter's face widths) a re-found face may be from the last place the presenter was. */
    static final float MAX_JUMP = 1.5f;
    static final float MAX_JUMP_LOST = 3f;

    private final FaceDetector detector;
    private final FaceMesh mesh;
    private final FaceChoice choice;
    private FaceShape held;
    private float lastX = Float.NaN, lastY, lastWidth;
    private int framesLost;
    private int refused;

    public PresenterTracker(FaceDetector detector, FaceMesh mesh) {
        this(detector, mesh, FaceChoice.LARGEST);
    }

    public PresenterTracker(FaceDetector detector, FaceMesh mesh, FaceChoice choice) {
        this.detector = detector;
        this.mesh = mesh;
        this.choice = choice;
    }

    /** Boxes the detector proposed that the landmark check refused, so far. */
    public int refused() { return refused; }

    public Optional<FaceShape> next(Mat frame) {
        return next(Picture.view(frame));
    }

    /** The presenter in the next frame; while held, only the face's region of the picture is converted to BGR. */
    public Optional<FaceShape> next(Picture frame) {
        if (held != null) {
            FaceShape s = mesh.estimate(frame, FaceRoi.of(held));
            if (accept(s, frame)) return Optional.of(s);
        }
        held = null;
        for (FaceCandidate c : candidates(frame)) {
            FaceShape s = mesh.estimate(frame, FaceRoi.of(c));
            if (accept(s, frame)) return Optional.of(s);
            refused++;
        }
        framesLost++;
        return Optional.empty();
    }

    private boolean accept(FaceShape s, Picture frame) {
        if (s.presence() < MIN_PRESENCE || !plausible(s, frame.width(), frame.height())) return false;
        held = s;
        FaceBox b = s.bounds(frame.width(), frame.height());
        lastX = s.mouthCenterX();
        lastY = s.mouthCenterY();
        lastWidth = Math.max(1, b.width());
        framesLost = 0;
        return true;
    }

    /**
     * Landmark geometry of a face: a face a few pixels wide, or landmarks whose eyes sit below the mouth or whose
     * eye span is out of proportion with the face's width, are not a presenter whatever the score says.
     */
    static boolean plausible(FaceShape s, Mat frame) {
        return plausible(s, frame.cols(), frame.rows());
    }

    static boolean plausible(FaceShape s, int frameWidth, int frameHeight) {
        FaceBox b = s.bounds(frameWidth, frameHeight);
        if (b.width() < 12 || b.height() < 12) return false;
        double cos = Math.cos(s.roll()), sin = Math.sin(s.roll());
        double eyesV = -(s.x(FaceShape.RIGHT_EYE_OUTER) + s.x(FaceShape.LEFT_EYE_OUTER)) / 2 * sin
                + (s.y(FaceShape.RIGHT_EYE_OUTER) + s.y(FaceShape.LEFT_EYE_OUTER)) / 2 * cos;
        double mouthV = -s.mouthCenterX() * sin + s.mouthCenterY() * cos;
        if (mouthV <= eyesV) return false;
        double span = s.eyeSpan() / Math.hypot(b.width(), b.height());
        return span > 0.2 && span < 0.9;
    }

    private List<FaceCandidate> candidates(Picture frame) {
        List<FaceCandidate> found = new ArrayList<>(detector.detectAll(frame.bgr()));
        if (Float.isNaN(lastX)) {
            // nobody followed yet: try the faces in the job's order; the first one the mesh accepts is the presenter
            found.sort(choice.order(frame.width(), frame.height()));
            return found;
        }
        float reach = lastWidth * (framesLost < 30 ? MAX_JUMP : MAX_JUMP_LOST);
        found.removeIf(c -> Math.hypot(c.centerX() - lastX, c.centerY() - lastY) > reach);
        found.sort(Comparator.comparingDouble(c -> Math.hypot(c.centerX() - lastX, c.centerY() - lastY)));
        return found;
    }
}
