package io.lipdrop.lipsync.face;

/** A face rectangle in frame pixels, [x1,x2) x [y1,y2). */
public record FaceBox(int x1, int y1, int x2, int y2) {
    public int width() { return x2 - x1; }
    public int height() { return y2 - y1; }

    /** Wav2Lip's padding (pads = top, bottom, left, right), clamped to the frame. */
    public FaceBox padded(int top, int bottom, int left, int right, int frameWidth, int frameHeight) {
        return new FaceBox(Math.max(0, x1 - left), Math.max(0, y1 - top),
                Math.min(frameWidth, x2 + right), Math.min(frameHeight, y2 + bottom));
    }
}
