package io.lipdrop.lipsync.face;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which face is the presenter when a template shows several: the order in which the detector's proposals are
 * tried at the start of a track (the first one the landmark check accepts wins). {@link #LARGEST} is what LipDrop
 * always did; the others let a job pick a person in a two-person shot.
 */
public enum FaceChoice {
    /** The largest face (the one nearest the camera). */
    LARGEST,
    /** The face furthest to the left of the picture (the viewer's left). */
    LEFT,
    /** The face furthest to the right of the picture. */
    RIGHT,
    /** The face nearest the middle of the picture. */
    CENTER;

    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** The choice a word names ({@code largest}, {@code left}, {@code right}, {@code center}/{@code centre}), or empty. */
    public static Optional<FaceChoice> parse(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        if (w.equals("centre")) w = "center";
        for (FaceChoice c : values()) if (c.label().equals(w)) return Optional.of(c);
        return Optional.empty();
    }

    public static String allowed() { return "largest, left, right, center"; }

    /** Best candidate first, in a frame {@code width} x {@code height}. */
    public Comparator<FaceCandidate> order(int width, int height) {
        return switch (this) {
            case LARGEST -> Comparator.comparingDouble(FaceCandidate::area).reversed();
            case LEFT -> Comparator.comparingDouble(FaceCandidate::centerX);
            case RIGHT -> Comparator.comparingDouble(FaceCandidate::centerX).reversed();
            case CENTER -> Comparator.comparingDouble(c -> Math.hypot(c.centerX() - width / 2.0, c.centerY() - height / 2.0));
        };
    }

    /** The chosen one of a frame's candidates (the cascade stage has no landmark check to refuse any). */
    public Optional<FaceCandidate> pick(List<FaceCandidate> candidates, int width, int height) {
        return candidates.stream().min(order(width, height));
    }
}
