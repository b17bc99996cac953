package io.lipdrop.lipsync.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One output frame on its way through the pipeline: which template frame it shows and its pixels (BGR).
 * The stage that holds it owns {@code image}; the encoder closes it.
 */
public final class SourceFrame {
    public final int outputIndex;
    public final int sourceIndex;
    public final Mat image;
    /** Set on the frame after which no new template frame will be decoded (the template's end, or the output's). */
    public int sourceFramesKnown = -1;

    public SourceFrame(int outputIndex, int sourceIndex, Mat image) {
        this.outputIndex = outputIndex;
        this.sourceIndex = sourceIndex;
        this.image = image;
    }
}
