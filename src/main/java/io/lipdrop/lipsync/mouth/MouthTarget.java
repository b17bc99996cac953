package io.lipdrop.lipsync.mouth;

/**
 * What the speech asks of the mouth in one video frame: how open (0 closed .. 1 as open as the presenter opens it)
 * and how spread (-1 rounded as for "oo", 0 neutral, 1 spread as for "ee").
 */
public record MouthTarget(float openness, float spread) {
    public static final MouthTarget CLOSED = new MouthTarget(0, 0);
}
