package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.asr.Phone;

import java.util.List;
import java.util.Map;

/**
 * Mouth targets from timed phonemes, with co-articulation. Each phoneme has a viseme (how open, how spread) and a
 * dominance: vowels and lip consonants (p/b/m closed, f/v lip-to-teeth, w rounded) set the lips; tongue consonants
 * (t, d, n, s, k, l...) barely do, so the lips keep the shape of the vowels around them (Cohen and Massaro's
 * dominance model: each phoneme's weight falls off exponentially outside its own time, and a frame's shape is the
 * weighted mean). Closures are hard: every frame that shows a p, b or m is closed, at least {@link #MIN_CLOSED_FRAMES}
 * frames per closure, and the closure starts at least a frame before the burst, as a real mouth closes before it
 * opens on the sound. Vowels open wider when the syllable is louder. Each frame shows the speech
 * {@link LoudnessTargets#LEAD_SECONDS} ahead: the mouth leads the sound slightly.
 */
public final class PhonemeTargets {
    /** A closure of p, b or m shows on at least this many frames (80 ms at 25 fps: a viewer sees it). */
    static final int MIN_CLOSED_FRAMES = 2;
    /** How fast a phoneme's weight falls outside its own time: to 1/e in this many seconds. */
    static final double FALL_OFF_SECONDS = 0.035;
    /** Silence this long closes the mouth; shorter gaps (a stop's hold) let the neighbours' shapes through. */
    static final double PAUSE_SECONDS = 0.12;

    /** Openness (0..1), spread (-1 round .. 1 spread) and dominance of each phoneme (ARPAbet). */
    static final Map<String, float[]> VISEMES = Map.ofEntries(
            // closed, lip to teeth
            // the closure itself is hard ({@link #close}); a heavier weight spilled into the next vowel: after an "m" the
            // "a" opened to 0.27-0.40 of the presenter's range at dominance 6 (the news presenter then showed 0.043 eye spans)
            Map.entry("P", v(0, 0, 1.5f)), Map.entry("B", v(0, 0, 1.5f)), Map.entry("M", v(0, 0, 1.5f)),
            Map.entry("F", v(0.08f, 0.1f, 3)), Map.entry("V", v(0.08f, 0.1f, 3)),
            // vowels: open, spread, rounded
            Map.entry("AA", v(1.0f, 0, 1)), Map.entry("AE", v(0.85f, 0.35f, 1)), Map.entry("AH", v(0.7f, 0, 1)),
            Map.entry("AO", v(0.85f, -0.5f, 1)), Map.entry("AW", v(0.85f, -0.4f, 1)), Map.entry("AY", v(0.9f, 0.2f, 1)),
            Map.entry("EH", v(0.6f, 0.5f, 1)), Map.entry("ER", v(0.4f, -0.3f, 1)), Map.entry("EY", v(0.5f, 0.6f, 1)),
            Map.entry("IH", v(0.35f, 0.7f, 1)), Map.entry("IY", v(0.25f, 0.9f, 1)), Map.entry("OW", v(0.6f, -0.8f, 1)),
            Map.entry("OY", v(0.6f, -0.6f, 1)), Map.entry("UH", v(0.35f, -0.7f, 1)), Map.entry("UW", v(0.25f, -1.0f, 1.2f)),
            // rounded and spread consonants that shape the lips
            Map.entry("W", v(0.15f, -1.0f, 1.5f)), Map.entry("R", v(0.3f, -0.5f, 0.6f)), Map.entry("SH", v(0.25f, -0.5f, 0.8f)),
            Map.entry("ZH", v(0.25f, -0.5f, 0.8f)), Map.entry("CH", v(0.25f, -0.5f, 0.8f)), Map.entry("JH", v(0.25f, -0.5f, 0.8f)),
            Map.entry("Y", v(0.25f, 0.6f, 0.5f)),
            // tongue consonants: the lips follow the vowels
            Map.entry("S", v(0.15f, 0.5f, 0.4f)), Map.entry("Z", v(0.15f, 0.5f, 0.4f)), Map.entry("T", v(0.25f, 0.2f, 0.3f)),
            Map.entry("D", v(0.25f, 0.2f, 0.3f)), Map.entry("N", v(0.25f, 0.2f, 0.3f)), Map.entry("TH", v(0.25f, 0.2f, 0.4f)),
            Map.entry("DH", v(0.25f, 0.2f, 0.4f)), Map.entry("L", v(0.35f, 0.2f, 0.3f)), Map.entry("K", v(0.35f, 0.1f, 0.2f)),
            Map.entry("G", v(0.35f, 0.1f, 0.2f)), Map.entry("NG", v(0.3f, 0.1f, 0.2f)), Map.entry("HH", v(0.5f, 0, 0.1f)),
            Map.entry("SIL", v(0, 0, 0.3f)));

    private static float[] v(float open, float spread, float dominance) {
        return new float[] {open, spread, dominance};
    }

    private PhonemeTargets() {}

    static boolean closes(String phone) {
        return phone.equals("P") || phone.equals("B") || phone.equals("M");
    }

    /**
     * Seconds beyond a frame's shown time whose phonemes decide its target: a frame can be made once the phonemes are
     * known this far ({@link #at} reads no phoneme that starts later).
     */
    public static final double HORIZON = 0.35;
    /** Phonemes further than this from a frame's shown time weigh nothing (their weight is below e^-8 of their own). */
    static final double REACH = 0.3;
    /**
     * Openings are scaled by this so the speech's most open frames reach the presenter's widest mouth: the weighted
     * means of vowels and consonants put the 90th percentile of real speech's openings at 0.50-0.61 (five clips), and a
     * talker uses her whole range (unscaled, speech read 0.06-0.10 eye spans on average against 0.05 for the same
     * presenter's closed mouth). A constant, not this speech's own percentile, so a frame can be made before the speech
     * after it is heard.
     */
    static final double STRETCH = 1.75;

    /**
     * Frame {@code i}'s target from the phonemes around its shown time (never those starting more than
     * {@link #HORIZON} after it).
     * @param phones   in order of their start
     * @param loudness the frame's loudness target (openness 0..1): louder syllables open wider
     */
    public static Frame at(int i, List<Phone> phones, double fps, double loudness) {
        double lead = LoudnessTargets.LEAD_SECONDS;
        double t = (i + 0.5) / fps + lead;
        // the first phoneme that may reach t: by start, then back over long ones (a pause) that began earlier
        int first = firstStartingAfter(phones, t - REACH);
        while (first > 0 && phones.get(first - 1).end() >= t - REACH) first--;
        double w = 0, open = 0, spread = 0;
        boolean covered = false, inWord = false, closed = false;
        for (int j = first; j < phones.size() && phones.get(j).start() < t + REACH; j++) {
            Phone p = phones.get(j);
            float[] vis = viseme(p);
            double outside = Math.max(0, Math.max(p.start() - t, t - p.end()));
            double weight = vis[2] * Math.exp(-outside / FALL_OFF_SECONDS);
            w += weight;
            open += weight * vis[0];
            spread += weight * vis[1];
            if (outside == 0) {
                covered = true;
                inWord |= p.inWord();
            }
            closed |= closes(p, i, fps, lead);
        }
        if (w <= 0) return new Frame(MouthTarget.CLOSED, false, false);
        double o = closed ? 0 : open / w * (0.8 + 0.3 * loudness) * STRETCH;
        return new Frame(new MouthTarget((float) Math.max(0, Math.min(1, o)), (float) Math.max(-1, Math.min(1, spread / w))), covered, inWord);
    }

    private static int firstStartingAfter(List<Phone> phones, double t) {
        int lo = 0, hi = phones.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (phones.get(mid).start() < t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** One frame's target, whether a phoneme covers its shown time, and whether that is a recognised word's phoneme. */
    public record Frame(MouthTarget target, boolean covered, boolean inWord) {}

    /** A pause's silence closes the mouth as firmly as a p; a short gap inside speech does not. */
    private static float[] viseme(Phone p) {
        if (pause(p)) return VISEMES.get("P");
        return VISEMES.getOrDefault(p.name(), VISEMES.get("SIL"));
    }

    /**
     * Whether phoneme {@code p} closes frame {@code i}: every frame showing a p, b or m is closed, and a closure shorter
     * than two frames takes the frame before it too. So is every frame of a pause: a p after a pause is often heard as
     * its vowel alone (its closure is the pause), and the lips must still be shut before it.
     */
    private static boolean closes(Phone p, int i, double fps, double lead) {
        if (!closes(p.name()) && !pause(p)) return false;
        // frames whose shown time (centre + lead) falls in the phoneme
        int a = (int) Math.ceil((p.start() - lead) * fps - 0.5), b = (int) Math.floor((p.end() - lead) * fps - 0.5);
        if (b - a + 1 < MIN_CLOSED_FRAMES) a = b - MIN_CLOSED_FRAMES + 1; // ending at the frame of the release
        return a <= i && i <= b;
    }

    /** Silence this long is a pause, not a stop's hold. */
    private static boolean pause(Phone p) {
        return p.silent() && p.end() - p.start() >= PAUSE_SECONDS;
    }
}
