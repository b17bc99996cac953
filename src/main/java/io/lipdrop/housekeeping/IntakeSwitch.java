package io.lipdrop.housekeeping;

/** Stops and restarts the taking of new drops (the disk watermark's lever). */
public interface IntakeSwitch {
    void suspend() throws Exception;

    void resume() throws Exception;
}
