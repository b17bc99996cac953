package io.lipdrop.lipsync.mouth;

/**
 * The mouth a {@link MouthTarget} asks a photo for, as the warp draws it: the mouth's width against the photo's,
 * the gap between the lips (eye spans, at the centre) and the outline of the opening across the mouth. Spread
 * ("ee") widens the mouth and opens it as a long lens reaching the corners; rounding ("oo") draws the corners in
 * and opens a round hole in the middle, the lips closed beside it; a dropped jaw ("aa") pulls the corners in a
 * little and opens a tall oval. Upper teeth show unless the lips are rounded over them; lower ones when the
 * mouth is spread or wide open.
 *
 * @param width     mouth width over the photo's
 * @param gap       inner-lip gap at the centre, eye spans
 * @param reach     half the opening's width over half the (new) mouth's
 * @param sides     the outline's exponent: (1 - x^2)^sides, 0.5 a round end, above 1 a pointed lens
 * @param round     how rounded (0..1): teeth hide behind pushed-out lips
 * @param spread    how spread (0..1)
 * @param lift      the upper lip's share of the opening: a little for any vowel, a third for rounded lips (pushed
 *                  out into a round opening, the upper lip arches up)
 */
record PhotoMouthShape(double width, double gap, double reach, double sides, double round, double spread, double lift) {
    /**
     * Widths as a mouth moves while talking, over the relaxed mouth: about 1.15 spread for "ee", 0.7 rounded
     * for "oo" (the corners move in by 15 % of the width each), a dropped jaw takes 6 % off.
     */
    static PhotoMouthShape of(MouthTarget t) {
        double open = Math.max(0, Math.min(1, t.openness()));
        double e = Math.max(0, Math.min(1, t.spread())), r = Math.max(0, Math.min(1, -t.spread()));
        double width = (1 + 0.15 * e - 0.30 * r) * (1 - 0.06 * open);
        return new PhotoMouthShape(width, open * PhotoMouthWarp.MAX_DROP, 0.92 - 0.40 * r, 0.8 + 0.5 * e - 0.3 * r, r, e, 0.08 + 0.27 * r);
    }

    /** The gap at x (-1..1 corner to corner of the new mouth) over the gap at the centre. */
    double outline(double x) {
        double a = Math.abs(x) / reach;
        return a >= 1 ? 0 : Math.pow(1 - a * a, sides);
    }
}
