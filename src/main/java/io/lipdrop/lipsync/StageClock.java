package io.lipdrop.lipsync;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Busy time per pipeline stage (not time spent waiting on a queue), to show where the bottleneck is. */
public final class StageClock {
    /** SPEECH: the wait for the speech recogniser's phonemes and the targets made from them. */
    public enum Stage { MEL, SPEECH, LIBRARY, DECODE, DETECT, INFERENCE, BLEND, ENCODE }

    private final Map<Stage, LongAdder> nanos = new EnumMap<>(Stage.class);

    public StageClock() {
        for (Stage s : Stage.values()) nanos.put(s, new LongAdder());
    }

    public long start() { return System.nanoTime(); }

    public void stop(Stage stage, long startedAt) { nanos.get(stage).add(System.nanoTime() - startedAt); }

    public double seconds(Stage stage) { return nanos.get(stage).sum() / 1e9; }

    public Map<String, Double> secondsByStage() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (Stage s : Stage.values()) out.put(s.name().toLowerCase(), seconds(s));
        return out;
    }
}
