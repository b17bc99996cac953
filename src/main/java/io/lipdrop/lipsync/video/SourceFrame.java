package io.lipdrop.lipsync.video;


/**
 * One output frame on its way through the pipeline: which template frame it shows and its pixels.
 * The stage that holds it owns {@code picture}; the encoder closes it.
 */
public final class SourceFrame {
    public final int outputIndex;
    public final int sourceIndex;
    public final Picture picture;
    /** Set on the frame after which no new template frame will be decoded (the template's end, or the output's). */
    public int sourceFramesKnown = -1;

    public SourceFrame(int outputIndex, int sourceIndex, Picture picture) {
        this.outputIndex = outputIndex;
        this.sourceIndex = sourceIndex;
        this.picture = picture;
    }
}
