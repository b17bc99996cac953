package io.lipdrop.lipsync.captions;

import java.util.List;

/** One caption: shown from {@code start} to {@code end} (seconds), one or two lines. */
public record Cue(double start, double end, List<String> lines) {
    public Cue {
        lines = List.copyOf(lines);
    }
}
