package io.lipdrop.lipsync.mouth;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mouths a talking template offers, in source order (so neighbours are consecutive moments of real speech),
 * with the range of its openings: what the synthesis chooses from. Holds at most a bounded number of patches.
 */
public final class MouthLibrary implements AutoCloseable {
    /** Shapes closer than this (eye spans) count as one when the report says how many the template offered. */
    static final float SHAPE_STEP = 0.03f;

    private final List<MouthEntry> entries;
    private final float closed;
    private final float open;
    private final int sourceFrames;
    private final Map<String, Integer> leftOut;

    /** @param leftOut template mouths left out as not speech, by reason ({@link SpeechMouths}) */
    MouthLibrary(List<MouthEntry> entries, int sourceFrames, Map<String, Integer> leftOut) {
        this.entries = List.copyOf(entries);
        this.sourceFrames = sourceFrames;
        this.leftOut = Collections.unmodifiableMap(new LinkedHashMap<>(leftOut));
        float[] o = new float[entries.size()];
        for (int i = 0; i < o.length; i++) o[i] = entries.get(i).opening();
        Arrays.sort(o);
        this.closed = o.length == 0 ? 0 : o[(int) (0.05 * (o.length - 1))];
        this.open = o.length == 0 ? 0 : o[(int) (0.95 * (o.length - 1))];
    }

    public int size() { return entries.size(); }

    /** How many template frames were read for it (the template's first pass, up to the job's length). */
    public int sourceFrames() { return sourceFrames; }

    /** Template mouths left out because no speaker makes them while talking, by reason (only reasons that did). */
    public Map<String, Integer> leftOut() { return leftOut; }

    /** True when entry {@code k} shows the template's very next frame after entry {@code prev}: real motion. */
    public boolean follows(int prev, int k) {
        return k == prev + 1 && k < entries.size() && entries.get(k).sourceIndex() == entries.get(prev).sourceIndex() + 1;
    }
    public MouthEntry get(int i) { return entries.get(i); }
    public List<MouthEntry> entries() { return entries; }

    /** The template's mouth when closed (5th percentile of the opening) and well open (95th), eye spans. */
    public float closedOpening() { return closed; }
    public float openOpening() { return open; }

    /** How many distinct mouth shapes (opening x width, in steps of {@link #SHAPE_STEP}) the template offered. */
    public int distinctShapes() {
        Set<Long> cells = new HashSet<>();
        for (MouthEntry e : entries) {
            cells.add(((long) Math.round(e.opening() / SHAPE_STEP) << 32) | (Math.round(e.width() / SHAPE_STEP) & 0xffffffffL));
        }
        return cells.size();
    }

    @Override
    public void close() { entries.forEach(MouthEntry::close); }
}
