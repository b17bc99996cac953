package io.lipdrop.lipsync.video;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.Locale;

import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * How a template's decoded frames become output frames: turned upright, scaled down (INTER_AREA, aspect kept)
 * when the encoder cannot take their size, and cropped to even width and height (H.264 in yuv420p needs them).
 * Every frame of a template goes through the same {@link #shape}, whichever way it was decoded.
 */
public final class FrameGeometry {
    private final int sourceWidth;
    private final int sourceHeight;
    private final int rotation;
    private final int decodedWidth;
    private final int decodedHeight;
    private final int turn;
    private final int width;
    private final int height;
    private final boolean scaled;

    private FrameGeometry(int sourceWidth, int sourceHeight, int rotation, int decodedWidth, int decodedHeight, int turn,
                          FrameLimit limit) {
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.rotation = rotation;
        this.decodedWidth = decodedWidth;
        this.decodedHeight = decodedHeight;
        this.turn = turn;
        boolean sideways = turn % 180 != 0;
        int uprightWidth = sideways ? decodedHeight : decodedWidth;
        int uprightHeight = sideways ? decodedWidth : decodedHeight;
        int[] fit = limit.fit(uprightWidth, uprightHeight);
        this.width = fit[0];
        this.height = fit[1];
        this.scaled = width != (uprightWidth & ~1) || height != (uprightHeight & ~1);
    }

    /**
     * A video: frames are decoded as stored and turned here by {@code clockwise} degrees (its display rotation).
     */
    public static FrameGeometry video(int storedWidth, int storedHeight, int clockwise, FrameLimit limit) {
        int r = normalize(clockwise);
        return new FrameGeometry(storedWidth, storedHeight, r, storedWidth, storedHeight, r, limit);
    }

    /**
     * A photo OpenCV has already turned upright from its EXIF orientation ({@code exifRotation} degrees clockwise,
     * reported but not applied again): {@code uprightWidth x uprightHeight} is the decoded picture.
     */
    public static FrameGeometry photo(int uprightWidth, int uprightHeight, int exifRotation, FrameLimit limit) {
        int r = normalize(exifRotation);
        boolean sideways = r % 180 != 0;
        return new FrameGeometry(sideways ? uprightHeight : uprightWidth, sideways ? uprightWidth : uprightHeight, r,
                uprightWidth, uprightHeight, 0, limit);
    }

    /** Any angle to the nearest of 0, 90, 180, 270 (clockwise). */
    public static int normalize(double degrees) {
        long quarter = Math.round(degrees / 90.0);
        return (int) (((quarter % 4) + 4) % 4) * 90;
    }

    /** Output width: upright, scaled to the encoder's limit, even. */
    public int width() { return width; }
    public int height() { return height; }
    /** Width as stored in the file (before rotation and scaling). */
    public int sourceWidth() { return sourceWidth; }
    public int sourceHeight() { return sourceHeight; }
    /** Degrees clockwise the picture was turned to stand upright: 0, 90, 180 or 270. */
    public int rotation() { return rotation; }
    /** Width upright, before scaling and the even crop. */
    public int uprightWidth() { return turn % 180 != 0 ? decodedHeight : decodedWidth; }
    public int uprightHeight() { return turn % 180 != 0 ? decodedWidth : decodedHeight; }
    /** Whether frames are scaled down to fit the encoder (not counting the crop of an odd last row or column). */
    public boolean scaled() { return scaled; }
    /** Degrees clockwise the decoded frames are turned here (0 for a photo, which OpenCV turned already). */
    int turn() { return turn; }
    /** The decoded frames' size, before turning, scaling and the even crop. */
    int decodedWidth() { return decodedWidth; }
    int decodedHeight() { return decodedHeight; }

    /** "3024x4032", "4032x3024, turned 90", "4032x3024, scaled to 3536x2652": the source and what was done to it. */
    public String describe() {
        StringBuilder b = new StringBuilder(sourceWidth + "x" + sourceHeight);
        if (rotation != 0) b.append(", turned ").append(rotation);
        if (scaled) b.append(", scaled to ").append(width).append('x').append(height);
        return b.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FrameGeometry[%s -> %dx%d]", describe(), width, height);
    }

    /**
     * The output frame for a decoded one: a new Mat the caller owns ({@code decoded} is left as it is, so a
     * grabber's reused buffer can be passed straight in).
     */
    public Mat shape(Mat decoded) {
        boolean sideways = turn % 180 != 0;
        int w = sideways ? height : width;   // size before turning
        int h = sideways ? width : height;
        Mat sized;
        boolean owned;
        if (decoded.cols() == w && decoded.rows() == h) {
            sized = decoded;
            owned = false;
        } else if (!scaled && decoded.cols() == decodedWidth && decoded.rows() == decodedHeight) {
            try (Rect r = new Rect(0, 0, w, h)) {
                sized = decoded.apply(r); // a view: even crop of the last odd row or column
            }
            owned = false;
        } else {
            // scaled to fit the encoder, or a stream whose frames changed size mid-way
            sized = new Mat();
            try (Size size = new Size(w, h)) {
                resize(decoded, sized, size, 0, 0, INTER_AREA);
            }
            owned = true;
        }
        Mat out;
        if (turn == 0) {
            out = owned ? sized : sized.clone();
        } else {
            out = new Mat();
            rotate(sized, out, turn == 90 ? ROTATE_90_CLOCKWISE : turn == 180 ? ROTATE_180 : ROTATE_90_COUNTERCLOCKWISE);
            if (owned) sized.close();
        }
        if (sized != decoded && !owned) sized.close();
        return out;
    }
}
