package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a template frame's mouth is one a speaker makes while talking, and if not, why: a library that holds a
 * tongue stuck out, a smirk or a grimace lends it to ordinary speech. Measured with the face mesh in the face's own
 * levelled axes ({@link LevelledFace}, eye spans) and, for the tongue, the pixels ({@link TongueMeasure}).
 *
 * <p>Thresholds from every frame of six real clips (../shared/media/real: the news clip and the gold-dress presenter
 * speaking, the seated woman, the man with glasses smiling (d9), the man pulling faces (d12), the young woman (d14))
 * and our own talking astronaut: no frame of the speaking clips is refused; d9 loses its lopsided smirk
 * (28 of 587 frames, asymmetric), d12 one turned grin (asymmetric).
 */
final class SpeechMouths {
    static final String TONGUE_OUT = "tongue-out", ASYMMETRIC = "asymmetric", STRETCHED = "stretched", YAWN = "yawn";

    /**
     * Lip-coloured height (eye spans) from the upper lip's inner edge to the chin, the mouth's middle column: the lower
     * lip, and a tongue lying on it. Real frames reach 0.15 (speaking clips) and 0.175 (d14's full closed lips); a
     * tongue stuck out 0.14-0.18 eye spans below the lower lip measures 0.24-0.41 (the mesh puts the lower lip on it).
     */
    static final double TONGUE_HEIGHT = 0.2;
    /** Lip-coloured share of the band under the lower lip's outer line (a tongue the mesh does not follow): real frames at most 0.095. */
    static final double TONGUE_BELOW = 0.3;
    /**
     * Corners' height difference and their midpoint's offset from the nose-to-chin midline, together (hypot), over the
     * mouth width. The midline is in front of the corners, so a turned head moves it: 0.8 x the yaw
     * ({@link FaceShape#pose()}[0]) is added back, the least-squares slope over the real clips. Speaking clips reach
     * 0.059 (news clip), d14 0.056; d12's grin with the head turned 0.126, d9's smirk up to 0.168.
     */
    static final double ASYMMETRY = 0.12;
    static final double YAW_SHIFT = 0.8;
    /** Inner-lip opening beyond speech (eye spans): real speech opens to 0.30 (news clip), d12's wide-open faces to 0.34. */
    static final double YAWN_OPENING = 0.42;
    /**
     * Wider than the template's median width by this factor AND than {@link #STRETCH_WIDTH} eye spans: the widest real
     * mouth is 0.744 (d9 smiling), 0.725 speaking (the astronaut, whose median is 0.705); the news clip reaches 1.2x its
     * median but only 0.64 eye spans.
     */
    static final double STRETCH_FACTOR = 1.1, STRETCH_WIDTH = 0.78;
    /** The template's usual width is only taken from this many mouths or more. */
    static final int STRETCH_SAMPLE = 32;

    /**
     * What is measured of one mouth. {@code tilt}: the corners' height difference over the mouth width;
     * {@code shift}: the corners' midpoint off the face's midline (nose base to chin) over the mouth width;
     * {@code width}, {@code opening}: eye spans; {@code yaw}: {@link FaceShape#pose()}[0]; {@code below},
     * {@code height}: {@link TongueMeasure#measure} (0 without the picture).
     */
    record Mouth(double tilt, double shift, double width, double opening, double yaw, double below, double height) {
        double asymmetry() { return Math.hypot(tilt, shift + YAW_SHIFT * yaw); }
    }

    private SpeechMouths() {}

    static Mouth measure(Mat frame, FaceShape s) {
        LevelledFace f = new LevelledFace(s);
        double ur = f.u(FaceShape.MOUTH_RIGHT), vr = f.v(FaceShape.MOUTH_RIGHT), ul = f.u(FaceShape.MOUTH_LEFT), vl = f.v(FaceShape.MOUTH_LEFT);
        double width = Math.max(1e-3, Math.hypot(ul - ur, vl - vr));
        double um = (ur + ul) / 2, vm = (vr + vl) / 2;
        double un = f.u(2), vn = f.v(2), uc = f.u(FaceShape.CHIN), vc = f.v(FaceShape.CHIN);
        double midline = un + (uc - un) * (vm - vn) / Math.max(1e-3, vc - vn);
        double[] tongue = frame == null ? new double[2] : TongueMeasure.measure(frame, s);
        return new Mouth((vr - vl) / width, (um - midline) / width, s.mouthWidth(), s.mouthOpening(), s.pose()[0], tongue[0], tongue[1]);
    }

    /** Why this frame's mouth is not speech (a reason above, but never {@link #STRETCHED}), or null. */
    static String refusal(Mat frame, FaceShape s) {
        if (!MouthFrame.regular(s)) return null;
        Mouth m = measure(frame, s);
        if (m.height() >= TONGUE_HEIGHT || m.below() >= TONGUE_BELOW) return TONGUE_OUT;
        if (m.opening() > YAWN_OPENING) return YAWN;
        if (m.asymmetry() > ASYMMETRY) return ASYMMETRIC;
        return null;
    }

    /**
     * Takes out (and closes) the entries far wider than the template's own mouths, counting them under
     * {@link #STRETCHED}: known only once the template has shown its usual width.
     */
    static void leaveOutStretched(List<MouthEntry> entries, Map<String, Integer> leftOut) {
        if (entries.size() < STRETCH_SAMPLE) return;
        double[] w = entries.stream().mapToDouble(MouthEntry::width).sorted().toArray();
        double bound = Math.max(STRETCH_WIDTH, STRETCH_FACTOR * w[w.length / 2]);
        entries.removeIf(e -> {
            if (e.width() <= bound) return false;
            leftOut.merge(STRETCHED, 1, Integer::sum);
            e.close();
            return true;
        });
    }

    /** The reasons in a fixed order, only those that left a mouth out. */
    static Map<String, Integer> ordered(Map<String, Integer> leftOut) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String r : Arrays.asList(TONGUE_OUT, ASYMMETRIC, STRETCHED, YAWN)) if (leftOut.getOrDefault(r, 0) > 0) out.put(r, leftOut.get(r));
        return out;
    }
}
