package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.UnusableInputException;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

/**
 * Streams the template's frames in timeline order (see {@link Timeline}) without holding the video:
 * forward passes decode straight through; backward passes seek and decode chunks of
 * {@code reverseChunk} frames, emitting each chunk reversed. A still image is held at 25 fps.
 * Frame sizes are cropped to even numbers because H.264 in yuv420p needs them.
 */
public final class TemplateSource implements AutoCloseable {
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");
    public static final double PHOTO_FPS = 25.0;

    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final Mat photo;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final int reverseChunk;
    private final int width;
    private final int height;
    private final double fps;

    private int sourceFrames = -1;     // known after the first forward pass
    private int nextForward = 0;       // next frame index the grabber will return in a forward pass
    private boolean backward = false;
    private int backwardNext;          // next index to emit when going backwards
    private final Deque<Mat> chunk = new ArrayDeque<>();
    private int chunkFirst;

    public TemplateSource(Path file, int reverseChunk) {
        this.file = file;
        this.reverseChunk = reverseChunk;
        String ext = extension(file);
        if (IMAGE_EXTENSIONS.contains(ext)) {
            Mat img = imread(file.toString(), IMREAD_COLOR);
            if (img == null || img.empty()) {
                throw new UnusableInputException(file, "the image cannot be decoded", "Save the photo again as JPG or PNG.");
            }
            this.grabber = null;
            this.photo = evenCrop(img);
            this.width = photo.cols();
            this.height = photo.rows();
            this.fps = PHOTO_FPS;
            this.sourceFrames = 1;
            return;
        }
        this.photo = null;
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            throw new UnusableInputException(file, io.lipdrop.lipsync.MediaLibraries.describeOpenError(e),
                    "Export the template again as MP4 (H.264), or copy it again if the copy was cut short, and drop it again.", e);
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
            close();
            throw new UnusableInputException(file, "the file has no video stream", "Drop a video of the presenter.");
        }
        this.width = grabber.getImageWidth() & ~1;
        this.height = grabber.getImageHeight() & ~1;
        double rate = grabber.getFrameRate();
        this.fps = rate > 0 && rate < 1000 ? rate : 25.0;
    }

    public int width() { return width; }
    public int height() { return height; }
    public double fps() { return fps; }

    /** Frame count once the first forward pass has reached the end, else -1. */
    public int sourceFramesKnown() { return sourceFrames; }

    /** The template frame for output frame {@code outputIndex}; frames must be requested in order. */
    public SourceFrame next(int outputIndex) throws FrameGrabber.Exception {
        if (photo != null) return new SourceFrame(outputIndex, 0, photo.clone());
        if (sourceFrames < 0) {
            Mat m = grabNext();
            if (m != null) return new SourceFrame(outputIndex, nextForward++, m);
            if (nextForward == 0) {
                throw new UnusableInputException(file, "the video has no decodable frames",
                        "The file may be truncated: export or copy it again.");
            }
            sourceFrames = nextForward;
        }
        int want = Timeline.pingPong(outputIndex, sourceFrames);
        return new SourceFrame(outputIndex, want, frameAt(outputIndex, want));
    }

    private Mat frameAt(int outputIndex, int want) throws FrameGrabber.Exception {
        if (sourceFrames == 1) {
            if (chunk.isEmpty()) { seek(0); chunk.add(grabNext()); }
            return chunk.peek().clone();
        }
        long phase = outputIndex % (2L * sourceFrames - 2);
        boolean goingBack = phase >= sourceFrames;
        if (!goingBack) {
            if (backward || want != nextForward) {
                clearChunk();
                backward = false;
                seek(want);
            }
            Mat m = grabNext();
            if (m == null) throw new IllegalStateException("template ended early at frame " + want + " of " + sourceFrames);
            nextForward++;
            return m;
        }
        if (!backward || want != backwardNext) {
            clearChunk();
            backward = true;
        }
        if (chunk.isEmpty()) loadChunkEndingAt(want);
        backwardNext = want - 1;
        return chunk.pollLast();
    }

    /** Decodes frames [max(0, last-chunk+1), last] into memory so they can be emitted last first. */
    private void loadChunkEndingAt(int last) throws FrameGrabber.Exception {
        chunkFirst = Math.max(0, last - reverseChunk + 1);
        seek(chunkFirst);
        for (int i = chunkFirst; i <= last; i++) {
            Mat m = grabNext();
            if (m == null) break;
            chunk.addLast(m);
        }
        nextForward = chunkFirst + chunk.size();
        if (chunk.isEmpty()) throw new IllegalStateException("cannot re-read template frames " + chunkFirst + ".." + last);
    }

    private void seek(int frame) throws FrameGrabber.Exception {
        if (frame == 0) {
            grabber.restart();
        } else {
            grabber.setVideoFrameNumber(frame);
        }
        nextForward = frame;
    }

    private Mat grabNext() throws FrameGrabber.Exception {
        Frame f;
        while ((f = grabber.grabImage()) != null) {
            Mat m = converter.convert(f);
            if (m != null && !m.empty()) return evenCrop(m);
        }
        return null;
    }

    /** A private copy with even width and height (the grabber reuses its buffers). */
    private static Mat evenCrop(Mat m) {
        int w = m.cols() & ~1, h = m.rows() & ~1;
        if (w == m.cols() && h == m.rows()) return m.clone();
        try (Rect r = new Rect(0, 0, w, h); Mat view = m.apply(r)) {
            return view.clone();
        }
    }

    private void clearChunk() {
        chunk.forEach(Mat::close);
        chunk.clear();
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        clearChunk();
        if (photo != null) photo.close();
        if (grabber != null) {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception ignored) {
                // closing a reader cannot lose data
            }
        }
    }
}
