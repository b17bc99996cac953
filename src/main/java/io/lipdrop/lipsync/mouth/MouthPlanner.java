package io.lipdrop.lipsync.mouth;

import java.util.Arrays;

/**
 * Chooses, for every output frame, the template mouth to show: a dynamic-programming (Viterbi) search over the
 * few library mouths whose shape fits each frame's target best, as concatenative synthesis does. Taking the
 * template's very next frame's mouth (a real moment of speech followed by the real next moment) costs nothing, holding a
 * mouth costs a little, and a jump elsewhere costs more, so runs of real motion are preferred and the picture
 * does not flicker between far-apart moments.
 */
public final class MouthPlanner {
    static final int CANDIDATES = 12;
    static final double HOLD = 0.04;
    static final double JUMP = 0.22;
    /** Weight of the width (spread/round) against the opening. */
    static final double WIDTH_WEIGHT = 0.5;
    /** Weight of lip fullness away from the template's usual (relaxed lips rather than pressed or pouted ones). */
    static final double LIPS_WEIGHT = 0.2;
    /** Cost of a pose difference of 0.1 eye spans (about 10 degrees of head turn): a turned mouth on a frontal face. */
    static final double POSE_WEIGHT = 0.5;

    private MouthPlanner() {}

    /**
     * @param poses per output frame, the pose of the face the mouth goes on (null: pose not considered)
     * @return per output frame, the index of the library entry to show
     */
    public static int[] plan(MouthLibrary library, MouthTarget[] targets, float[][] poses) {
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
                    float[] p = library.get(k).pose();
                    fit[k] += POSE_WEIGHT * (Math.abs(p[0] - poses[t][0]) + Math.abs(p[1] - poses[t][1])) / 0.1;
                }
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Double.compare(fit[a], fit[b]));
            // the best-fitting mouths, and the next mouth of each of the previous frame's candidates (a run may go on)
            java.util.LinkedHashSet<Integer> set = new java.util.LinkedHashSet<>();
            for (int j = 0; j < c; j++) set.add(order[j]);
            if (t > 0) {
                // of the previous frame's candidates, the c cheapest so far: the candidate set stays at most 2c
                double[] previous = cost[t - 1];
                int[] prevCand = cand[t - 1];
                java.util.stream.IntStream.range(0, prevCand.length).boxed()
                        .sorted((a, b) -> Double.compare(previous[a], previous[b])).limit(c)
                        .forEach(i -> { if (prevCand[i] + 1 < size) set.add(prevCand[i] + 1); });
            }
            cand[t] = set.stream().mapToInt(Integer::intValue).toArray();
            cost[t] = new double[cand[t].length];
            back[t] = new int[cand[t].length];
            for (int j = 0; j < cand[t].length; j++) {
                int k = cand[t][j];
                if (t == 0) { cost[t][j] = fit[k]; continue; }
                double best = Double.MAX_VALUE;
                int arg = 0;
                for (int i = 0; i < cand[t - 1].length; i++) {
                    int prev = cand[t - 1][i];
                    double step = library.follows(prev, k) ? 0 : k == prev ? HOLD : JUMP;
                    double total = cost[t - 1][i] + step;
                    if (total < best) { best = total; arg = i; }
                }
                cost[t][j] = best + fit[k];
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
