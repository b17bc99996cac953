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
 * <p>
 * The search goes frame by frame as the targets come ({@link #add}), so a video can be made while its speech is still
 * being heard: a frame's choice is final as soon as every path still open passes through one mouth there (the paths
 * of a Viterbi search merge behind its front: within 14 and 17 frames on the news and LivePortrait presenters), which is
 * exactly the choice the search over the whole video makes. What lies behind the settled frames is let go: the search holds the open span only.
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

    private final MouthLibrary library;
    private final HeadPose[] poses;
    private final float[] opening, width, lips;
    private final double lMid, lRange, wMid, wRange, oLow, oRange;
    private final int c;
    private final int[][] cand, back;
    private final double[][] cost;
    private final double[] fit;
    private final Integer[] order;
    private final int[] choice;
    private int fed, settled;
    /** The open span at which the next merge is looked for: twice the span the last look left (a look walks the span). */
    private int nextMerge = 1;

    /**
     * @param frames the output frames to plan
     * @param poses  per output frame, the pose of the face the mouth goes on (null: pose not considered)
     */
    public MouthPlanner(MouthLibrary library, int frames, HeadPose[] poses) {
        int size = library.size();
        if (size == 0) throw new IllegalArgumentException("an empty mouth library");
        this.library = library;
        this.poses = poses;
        opening = new float[size];
        width = new float[size];
        lips = new float[size];
        for (int k = 0; k < size; k++) {
            opening[k] = library.get(k).opening();
            width[k] = library.get(k).width();
            lips[k] = library.get(k).lips();
        }
        float[] sortedLips = lips.clone();
        Arrays.sort(sortedLips);
        lMid = sortedLips[size / 2];
        lRange = Math.max(1e-3, sortedLips[(int) (0.95 * (size - 1))] - sortedLips[(int) (0.05 * (size - 1))]);
        float[] sortedWidth = width.clone();
        Arrays.sort(sortedWidth);
        double wLow = sortedWidth[(int) (0.05 * (size - 1))], wHigh = sortedWidth[(int) (0.95 * (size - 1))];
        wMid = sortedWidth[size / 2];
        wRange = Math.max(1e-3, wHigh - wLow);
        oLow = library.closedOpening();
        oRange = Math.max(1e-3, library.openOpening() - oLow);
        c = Math.min(CANDIDATES, size);
        cand = new int[frames][];
        cost = new double[frames][];
        back = new int[frames][];
        fit = new double[size];
        order = new Integer[size];
        choice = new int[frames];
    }

    /**
     * The whole video's plan at once.
     * @param poses per output frame, the pose of the face the mouth goes on (null: pose not considered)
     * @return per output frame, the index of the library entry to show, or {@link #OWN}
     */
    public static int[] plan(MouthLibrary library, MouthTarget[] targets, HeadPose[] poses) {
        MouthPlanner p = new MouthPlanner(library, targets.length, poses);
        for (MouthTarget t : targets) p.add(t);
        return p.choice;
    }

    /** Settles nothing before the last frame: the plain search over the whole video (what the merging must equal). */
    MouthPlanner withoutMerging() {
        nextMerge = Integer.MAX_VALUE;
        return this;
    }

    /** Frames given their targets so far: the next {@link #add} is for this frame. */
    public int fed() { return fed; }

    /** Frames whose choice is final: {@link #choice} may be asked for those below. */
    public int settled() { return settled; }

    /** The index of the library entry frame {@code t} shows, or {@link #OWN}; {@code t} must be settled. */
    public int choice(int t) {
        if (t >= settled) throw new IllegalStateException("frame " + t + " is not settled yet (" + settled + " are)");
        return choice[t];
    }

    /** The next frame's target: one step of the search, and the frames it settles. */
    public void add(MouthTarget target) {
        int t = fed, size = library.size();
        double o = oLow + target.openness() * oRange;
        double w = wMid + target.spread() * wRange / 2;
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
        fed++;
        if (fed == cand.length) {
            // the last frame: the cheapest path's end, traced back
            int j = 0;
            for (int i = 1; i < cost[t].length; i++) if (cost[t][i] < cost[t][j]) j = i;
            settle(t, j);
        } else if (fed - settled >= nextMerge) {
            merge();
            nextMerge = Math.max(1, 2 * (fed - settled));
        }
    }

    /** Settles the frames behind the point where every open path passes through one candidate. */
    private void merge() {
        int f = fed - 1;
        java.util.BitSet open = new java.util.BitSet();
        open.set(0, cand[f].length);
        while (open.cardinality() > 1 && f > settled) {
            java.util.BitSet before = new java.util.BitSet();
            for (int j = open.nextSetBit(0); j >= 0; j = open.nextSetBit(j + 1)) before.set(back[f][j]);
            open = before;
            f--;
        }
        if (open.cardinality() == 1) settle(f, open.nextSetBit(0));
    }

    /** Frames up to {@code f} follow the path through candidate {@code j} there; what they held is let go. */
    private void settle(int f, int j) {
        for (int t = f; t >= settled; t--) {
            choice[t] = cand[t][j];
            j = back[t][j];
        }
        // the next step reads the last fed frame's candidates and costs only
        for (int t = settled; t <= f && t < fed - 1; t++) {
            cand[t] = null;
            cost[t] = null;
            back[t] = null;
        }
        settled = f + 1;
    }
}
