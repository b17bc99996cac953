package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.HeadPose;

import java.util.Arrays;

/**
 * Chooses, for every output frame, the template mouth to show: a dynamic-programming (Viterbi) search over the
 * few library mouths whose shape fits each frame's target best, as concatenative synthesis does. Taking the
 * template's very next frame's mouth (a real moment of speech followed by the real next moment) costs nothing, holding a
 * mouth costs a little, and a jump elsewhere costs more, so runs of real motion are preferred and the picture
 * does not flicker between far-apart moments. A mouth's head pose must be near the frame's: the difference costs,
 * and beyond {@link #POSE_GATE} the mouth is not a candidate at all (a mouth cut from a frontal frame, however it is
 * warped, shows the wrong side of the lips on a head turned 30 degrees); where nothing is within it, or every mouth
 * fits worse than {@link #OWN_FIT}, the frame keeps its own mouth ({@link #OWN}).
 */
public final class MouthPlanner {
    static final int CANDIDATES = 12;
    static final double HOLD = 0.04;
    static final double JUMP = 0.22;
    /** Weight of the width (spread/round) against the opening. */
    static final double WIDTH_WEIGHT = 0.5;
    /** Weight of lip fullness away from the template's usual (relaxed lips rather than pressed or pouted ones). */
    static final double LIPS_WEIGHT = 0.2;
    /** Cost of a head pose difference of 10 degrees (the larger of yaw and pitch, {@link HeadPose#gap}). */
    static final double POSE_WEIGHT = 0.5;
    /**
     * Mouths whose pose differs more than this (degrees) are never pasted. The paste's warp turns a mouth with the
     * head ({@link PasteMesh}), but it cannot show what the source did not: on the LivePortrait talking heads yaw
     * spans -19..+17 degrees and mouths within 12 land without a doubled lip line.
     */
    static final double POSE_GATE = 12;
    /** The plan's mark for "this frame keeps its own mouth". */
    public static final int OWN = -1;
    /**
     * The fit of a frame's own mouth, which stays as the template shows it (pose-true, but not the shape asked for):
     * only a mouth off by more than the template's whole range of opening and width loses to it, so in practice the
     * frames beyond the pose gate of every library mouth.
     */
    static final double OWN_FIT = 1.5;

    private MouthPlanner() {}

    /**
     * @param poses per output frame, the pose of the face the mouth goes on (null: pose not considered)
     * @return per output frame, the index of the library entry to show, or {@link #OWN}
     */
    public static int[] plan(MouthLibrary library, MouthTarget[] targets, HeadPose[] poses) {
        int n = targets.length, size = library.size();
        if (size == 0) throw new IllegalArgumentException("an empty mouth library");
        float[] opening = new float[size], width = new float[size], lips = new float[size];
        for (int k = 0; k < size; k++) {
            opening[k] = library.get(k).opening();
            width[k] = library.get(k).width();
            lips[k] = library.get(k).lips();
        }
        float[] sortedLips = lips.clone();
        Arrays.sort(sortedLips);
        double lMid = sortedLips[size / 2], lRange = Math.max(1e-3, sortedLips[(int) (0.95 * (size - 1))] - sortedLips[(int) (0.05 * (size - 1))]);
        float[] sortedWidth = width.clone();
        Arrays.sort(sortedWidth);
        double wLow = sortedWidth[(int) (0.05 * (size - 1))], wHigh = sortedWidth[(int) (0.95 * (size - 1))];
        double wMid = sortedWidth[size / 2], wRange = Math.max(1e-3, wHigh - wLow);
        double oLow = library.closedOpening(), oRange = Math.max(1e-3, library.openOpening() - oLow);

        int c = Math.min(CANDIDATES, size);
        int[][] cand = new int[n][];
        double[][] cost = new double[n][];
        int[][] back = new int[n][];
        double[] fit = new double[size];
        Integer[] order = new Integer[size];
        for (int t = 0; t < n; t++) {
            double o = oLow + targets[t].openness() * oRange;
            double w = wMid + targets[t].spread() * wRange / 2;
            for (int k = 0; k < size; k++) {
                fit[k] = Math.abs(opening[k] - o) / oRange + WIDTH_WEIGHT * Math.abs(width[k] - w) / wRange
                        + LIPS_WEIGHT * Math.abs(lips[k] - lMid) / lRange;
                if (poses != null && poses[t] != null) {
                    double gap = library.get(k).pose().gap(poses[t]);
                    fit[k] = gap > POSE_GATE ? Double.POSITIVE_INFINITY : fit[k] + POSE_WEIGHT * gap / 10;
                }
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Double.compare(fit[a], fit[b]));
            // the best-fitting mouths, and the next mouth of each of the previous frame's candidates (a run may go on);
            // the frame's own mouth is always one
            java.util.LinkedHashSet<Integer> set = new java.util.LinkedHashSet<>();
            set.add(OWN);
            for (int j = 0; j < c && fit[order[j]] < OWN_FIT; j++) set.add(order[j]);
            if (t > 0) {
                // of the previous frame's candidates, the c cheapest so far: the candidate set stays at most 2c + 1
                double[] previous = cost[t - 1];
                int[] prevCand = cand[t - 1];
                java.util.stream.IntStream.range(0, prevCand.length).boxed()
                        .sorted((a, b) -> Double.compare(previous[a], previous[b])).limit(c)
                        .forEach(i -> {
                            int next = prevCand[i] + 1;
                            if (prevCand[i] != OWN && next < size && fit[next] < OWN_FIT) set.add(next);
                        });
            }
            cand[t] = set.stream().mapToInt(Integer::intValue).toArray();
            cost[t] = new double[cand[t].length];
            back[t] = new int[cand[t].length];
            for (int j = 0; j < cand[t].length; j++) {
                int k = cand[t][j];
                double here = k == OWN ? OWN_FIT : fit[k];
                if (t == 0) { cost[t][j] = here; continue; }
                double best = Double.MAX_VALUE;
                int arg = 0;
                for (int i = 0; i < cand[t - 1].length; i++) {
                    int prev = cand[t - 1][i];
                    // the frame's own mouth followed by the next frame's own is the template's real motion
                    double step = k == OWN && prev == OWN ? 0 : k == OWN || prev == OWN ? JUMP
                            : library.follows(prev, k) ? 0 : k == prev ? HOLD : JUMP;
                    double total = cost[t - 1][i] + step;
                    if (total < best) { best = total; arg = i; }
                }
                cost[t][j] = best + here;
                back[t][j] = arg;
            }
        }
        int[] choice = new int[n];
        int j = 0;
        for (int i = 1; i < cost[n - 1].length; i++) if (cost[n - 1][i] < cost[n - 1][j]) j = i;
        for (int t = n - 1; t >= 0; t--) {
            choice[t] = cand[t][j];
            j = back[t][j];
        }
        return choice;
    }
}
