package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.UnusableInputException;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_ATTACHED_PIC;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

/**
 * Streams the template's frames in timeline order (see {@link Timeline}) without holding the video:
 * forward passes decode straight through; backward passes seek and decode chunks of
 * {@code reverseChunk} frames, emitting each chunk reversed. A still image is held at 25 fps.
 *
 * <p>Every frame, on every path, goes through one {@link FrameGeometry}: turned upright (a video's display
 * rotation, as phones record portrait; a photo's EXIF orientation, which OpenCV applies when decoding), scaled
 * down (INTER_AREA, aspect kept) when it is larger than the encoder takes, and cropped to even width and
 * height because H.264 in yuv420p needs them.
 *
 * <p>Input that can never work is an {@link UnusableInputException}: no decoder for the codec, no video
 * stream, no decodable frame, a video that ends (truncated) long before its declared duration, pictures too small
 * for the encoder. A read that fails for a reason of the machine (I/O error) is an {@link UncheckedIOException},
 * worth another try.
 */
public final class TemplateSource implements AutoCloseable {
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");
    public static final double PHOTO_FPS = 25.0;

    private static final Pattern NO_DECODER = Pattern.compile("codec not found: (\\d+)");

    private final Path file;
    private FFmpegFrameGrabber grabber;  // the software decoder's, replaced by NVDEC's where it decodes the file
    private final String decoder;
    private final String decoderFallback;
    private final Picture photo;       // the photo's only frame, as I420: each output frame is a copy of its planes
    private PictureShaper shaper;      // a video's decoded frames to output pictures
    private final FrameBuffers buffers = new FrameBuffers(); // the frames' planes, used again
    private final int reverseChunk;
    private final FrameGeometry geometry;
    private final double fps;
    private final long declaredMicros;  // the video stream's duration from the container (edit lists applied), 0 if unknown

    private int sourceFrames = -1;     // known after the first forward pass
    private int nextForward = 0;       // next frame index the grabber will return in a forward pass
    private boolean backward = false;
    private int backwardNext;          // next index to emit when going backwards
    private final Deque<Picture> chunk = new ArrayDeque<>();
    private int chunkFirst;
    private long grabbedTimestamp;     // of the frame grabNext returned last, in microseconds
    private long firstTimestamp = Long.MIN_VALUE;
    private long lastTimestamp;

    /** With libopenh264's limit ({@link VideoEncoder#OPENH264_MAX_PIXELS}). */
    public TemplateSource(Path file, int reverseChunk) {
        this(file, reverseChunk, VideoEncoder.OPENH264_MAX_PIXELS);
    }

    /** Frames above {@code maxPixels} (counted in 16x16 macroblocks, as encoders do) are scaled down to fit. */
    public TemplateSource(Path file, int reverseChunk, long maxPixels) {
        this(file, reverseChunk, FrameLimit.ofPixels(maxPixels));
    }

    /** Frames are scaled down to what {@code limit} takes; pictures below its minimum are unusable. NVDEC where there is a GPU. */
    public TemplateSource(Path file, int reverseChunk, FrameLimit limit) {
        this(file, reverseChunk, limit, VideoDecoding.AUTO);
    }

    /** @param decoding NVDEC or software decoding of a video (see {@link NvdecDecoder}; software where NVDEC fails) */
    public TemplateSource(Path file, int reverseChunk, FrameLimit limit, VideoDecoding decoding) {
        this(file, reverseChunk, limit, decoding, 0);
    }

    /** @param threads the software decoder's threads (0: FFmpeg's own count, about one per core) */
    public TemplateSource(Path file, int reverseChunk, FrameLimit limit, VideoDecoding decoding, int threads) {
        MediaLibraries.init();
        this.file = file;
        this.reverseChunk = reverseChunk;
        String ext = extension(file);
        if (IMAGE_EXTENSIONS.contains(ext)) {
            this.grabber = null;
            this.fps = PHOTO_FPS;
            this.sourceFrames = 1;
            this.declaredMicros = 0;
            this.decoder = "image";
            this.decoderFallback = null;
            Photo decoded = decodePhoto(file);
            Mat img = decoded.image();
            try {
                this.geometry = checked(FrameGeometry.photo(img.cols(), img.rows(), decoded.rotation(), limit), limit);
                try (Picture upright = Picture.ofBgr(geometry.shape(img))) {
                    this.photo = Picture.ofI420(upright.i420().clone(), geometry.width(), geometry.height(), buffers);
                }
            } finally {
                img.close();
            }
            return;
        }
        this.photo = null;
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setImageMode(FrameGrabber.ImageMode.RAW); // the decoder's own frames: PictureShaper takes them from there
        if (threads > 0) grabber.setVideoOption("threads", Integer.toString(threads));
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            closeGrabber();
            throw openFailure(file, e);
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
            closeGrabber();
            throw new UnusableInputException(file, "the file has no video stream", "Drop a video of the presenter.");
        }
        try {
            this.geometry = checked(FrameGeometry.video(grabber.getImageWidth(), grabber.getImageHeight(),
                    displayRotation(grabber), limit), limit);
        } catch (RuntimeException e) {
            closeGrabber();
            throw e;
        }
        this.shaper = new PictureShaper(geometry, buffers);
        double rate = grabber.getFrameRate();
        this.fps = rate > 0 && rate < 1000 ? rate : 25.0;
        this.declaredMicros = declaredMicros(grabber);
        // the software grabber has validated the file and given its geometry; NVDEC takes over where it can
        NvdecDecoder.Opened opened = NvdecDecoder.open(file, grabber, decoding);
        this.grabber = opened.grabber();
        this.decoder = opened.decoder();
        this.decoderFallback = opened.fallback();
    }

    /** The video decoder in use ("h264", "hevc_cuvid (NVDEC, GPU 0)"), "image" for a photo. */
    public String decoder() { return decoder; }

    /** Why NVDEC was tried and not used, or null. */
    public String decoderFallback() { return decoderFallback; }

    /** A decoded photo and the degrees its EXIF orientation turned it. */
    private record Photo(Mat image, int rotation) {}

    /**
     * The photo as OpenCV turns it upright from its EXIF orientation (IMREAD_COLOR applies it; only
     * IMREAD_IGNORE_ORIENTATION would not); alpha dropped, grey made BGR, whatever its extension says.
     * The bytes are read first so a failing disk (retry) is told apart from a damaged picture (unusable).
     */
    private static Photo decodePhoto(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
        int rotation = ExifOrientation.rotation(ExifOrientation.read(bytes));
        Mat img;
        try (Mat encoded = new Mat(1, bytes.length, CV_8UC1); BytePointer data = encoded.data()) {
            data.put(bytes);
            img = imdecode(encoded, IMREAD_COLOR);
        }
        if (img == null || img.empty()) {
            if (img != null) img.close();
            throw new UnusableInputException(file, "the image cannot be decoded", "Save the photo again as JPG or PNG.");
        }
        return new Photo(img, rotation);
    }

    /** The output size must be one an encoder takes; scaling has already made it small enough. */
    private FrameGeometry checked(FrameGeometry g, FrameLimit limit) {
        if (!limit.tooSmall(g.width(), g.height())) return g;
        String size = g.uprightWidth() + "x" + g.uprightHeight();
        String was = g.scaled() ? " (" + g.width() + "x" + g.height() + " once scaled to fit the encoder)" : "";
        throw new UnusableInputException(file,
                "the picture is " + size + " pixels" + was + ", too small for the H.264 encoder, which needs at least "
                        + limit.minWidth() + "x" + limit.minHeight(),
                "Use a photo or video of at least " + limit.minWidth() + "x" + limit.minHeight()
                        + " pixels; for a face the model can work with, 256x256 or more.");
    }

    /** Degrees clockwise to turn the decoded frames: the display matrix, else an old-style "rotate" tag. */
    static int displayRotation(FFmpegFrameGrabber g) {
        if (g.getVideoSideData() != null && g.getVideoSideData().get("Display Matrix") != null) {
            // av_display_rotation_get: counter-clockwise degrees of the stored picture as displayed
            return FrameGeometry.normalize(-g.getDisplayRotation());
        }
        String tag = g.getVideoMetadata("rotate");
        if (tag != null) {
            try {
                return FrameGeometry.normalize(Double.parseDouble(tag.trim()));
            } catch (NumberFormatException ignored) {
                // an odd tag: shown as stored
            }
        }
        return 0;
    }

    /**
     * The video stream's duration as the container declares it, in microseconds, or 0. For MP4 and MOV this is
     * the edit list's duration (a trimmed clip declares what it plays, although its index lists every sample).
     */
    private static long declaredMicros(FFmpegFrameGrabber g) {
        AVFormatContext oc = g.getFormatContext();
        if (oc == null) return 0;
        for (int i = 0; i < oc.nb_streams(); i++) {
            AVStream st = oc.streams(i);
            if (st.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO && (st.disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) {
                long d = st.duration();
                if (d <= 0 || d == AV_NOPTS_VALUE || st.time_base().den() <= 0) return 0;
                return (long) (d * 1e6 * st.time_base().num() / st.time_base().den());
            }
        }
        return 0;
    }

    private static RuntimeException openFailure(Path file, FrameGrabber.Exception e) {
        if (MediaErrors.transientRead(e)) {
            return new UncheckedIOException("cannot read " + file.getFileName() + ": " + MediaErrors.text(MediaErrors.code(e)), e);
        }
        Matcher m = NO_DECODER.matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            String codec = avcodec_get_name(Integer.parseInt(m.group(1))).getString();
            return new UnusableInputException(file,
                    "its video is encoded as " + codec.toUpperCase(Locale.ROOT) + ", which LipDrop's FFmpeg has no decoder for",
                    "Export the template again as MP4 (H.264) and drop it again.", e);
        }
        return new UnusableInputException(file, MediaLibraries.describeOpenError(e),
                "Export the template again as MP4 (H.264), or copy it again if the copy was cut short, and drop it again.", e);
    }

    /** Output width: upright and scaled to fit the encoder. */
    public int width() { return geometry.width(); }
    /** Output height: upright and scaled to fit the encoder. */
    public int height() { return geometry.height(); }
    /** Width as stored in the file, before rotation and scaling. */
    public int sourceWidth() { return geometry.sourceWidth(); }
    /** Height as stored in the file, before rotation and scaling. */
    public int sourceHeight() { return geometry.sourceHeight(); }
    /** Whether frames are scaled down to fit the encoder. */
    public boolean scaled() { return geometry.scaled(); }
    /** Degrees clockwise the frames were turned to stand upright: 0, 90, 180 or 270. */
    public int rotation() { return geometry.rotation(); }
    /** All of the above, with {@link FrameGeometry#describe()} for logs and reports. */
    public FrameGeometry geometry() { return geometry; }
    public double fps() { return fps; }

    /** Sees one template frame of a first pass; the frame is closed afterwards. */
    @FunctionalInterface
    public interface FrameVisitor { void visit(int sourceIndex, Mat image) throws Exception; }

    /**
     * Reads the template's frames once, in order, up to {@code limit} (a photo is one frame), each handed to
     * {@code visitor} and closed; must be the first use of this source. Returns how many frames were read.
     */
    public int firstPass(int limit, FrameVisitor visitor) throws Exception {
        return firstPictures(limit, (i, picture) -> visitor.visit(i, picture.bgr()));
    }

    /** Sees one template frame of a first pass as a picture (converted to BGR only where asked); closed afterwards. */
    @FunctionalInterface
    public interface PictureVisitor { void visit(int sourceIndex, Picture picture) throws Exception; }

    /** {@link #firstPass} with each frame as a picture. */
    public int firstPictures(int limit, PictureVisitor visitor) throws Exception {
        // the next frames are decoded on a second thread while the visitor looks at this one (the face mesh), so
        // both cores work during the pre-pass; two frames ahead at most, so memory stays bounded
        BlockingQueue<SourceFrame> ahead = new ArrayBlockingQueue<>(2);
        SourceFrame end = new SourceFrame(-1, -1, null);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0; i < limit && !stop.get(); i++) {
                    SourceFrame f = next(i);
                    if (!offer(ahead, f, stop)) { f.picture.close(); return; }
                    // the template ended and the timeline turned round, or a photo's single frame
                    if (f.sourceIndex != i || sourceFrames == i + 1) break;
                }
            } catch (Throwable t) {
                failed.set(t);
            }
            offer(ahead, end, stop);
        }, "lipsync-prepass-" + file.getFileName());
        reader.setDaemon(true);
        reader.start();
        int seen = 0;
        try {
            for (int i = 0; ; i++) {
                SourceFrame f = ahead.take();
                if (f == end) break;
                try {
                    if (f.sourceIndex != i) break;
                    visitor.visit(i, f.picture);
                    seen = i + 1;
                } finally {
                    f.picture.close();
                }
            }
        } finally {
            stop.set(true);
            for (SourceFrame f; (f = ahead.poll()) != null; ) if (f.picture != null) f.picture.close();
            reader.join();
            for (SourceFrame f; (f = ahead.poll()) != null; ) if (f.picture != null) f.picture.close();
        }
        Throwable t = failed.get();
        if (t instanceof Exception e) throw e;
        if (t instanceof Error e) throw e;
        return seen;
    }

    /** Puts {@code f} unless the consumer stopped; false when it did. */
    private static boolean offer(BlockingQueue<SourceFrame> q, SourceFrame f, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (q.offer(f, 50, TimeUnit.MILLISECONDS)) return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Frame count once the first forward pass has reached the end, else -1. */
    public int sourceFramesKnown() { return sourceFrames; }

    /** The template frame for output frame {@code outputIndex}; frames must be requested in order. */
    public SourceFrame next(int outputIndex) throws FrameGrabber.Exception {
        if (photo != null) return new SourceFrame(outputIndex, 0, photo.copy());
        if (sourceFrames < 0) {
            Picture m = grabNext();
            if (m != null) {
                if (firstTimestamp == Long.MIN_VALUE) firstTimestamp = grabbedTimestamp;
                lastTimestamp = grabbedTimestamp;
                return new SourceFrame(outputIndex, nextForward++, m);
            }
            if (nextForward == 0) {
                throw new UnusableInputException(file, "the video has no decodable frames",
                        "The file may be truncated or use a codec variant FFmpeg cannot decode: export or copy it again.");
            }
            checkNotTruncated(nextForward);
            sourceFrames = nextForward;
        }
        int want = Timeline.pingPong(outputIndex, sourceFrames);
        return new SourceFrame(outputIndex, want, frameAt(outputIndex, want));
    }

    /**
     * FFmpeg (and javacv) end a stream quietly where the data stops. When the frames that decoded span far less
     * time than the container declares for the video, the file was cut short or is damaged: playing the part
     * that is there would loop a fragment of what the user sent, so the input is refused.
     */
    private void checkNotTruncated(int decoded) {
        if (declaredMicros <= 0 || firstTimestamp == Long.MIN_VALUE) return;
        double frame = 1e6 / fps;
        double span = lastTimestamp - firstTimestamp + frame;
        if (span < declaredMicros * 0.9 && declaredMicros - span >= 3 * frame) {
            throw new UnusableInputException(file,
                    String.format(Locale.ROOT, "only %.1f s of its %.1f s of video could be decoded (%d frames): "
                            + "the file is truncated or damaged", span / 1e6, declaredMicros / 1e6, decoded),
                    "Copy or export the video again (the upload may have been cut short) and drop it again.");
        }
    }

    private Picture frameAt(int outputIndex, int want) throws FrameGrabber.Exception {
        if (sourceFrames == 1) {
            if (chunk.isEmpty()) {
                seek(0);
                Picture only = grabNext();
                if (only == null) throw unreadable(0);
                chunk.add(only);
            }
            return chunk.peek().copy();
        }
        long phase = outputIndex % (2L * sourceFrames - 2);
        boolean goingBack = phase >= sourceFrames;
        if (!goingBack) {
            if (backward || want != nextForward) {
                clearChunk();
                backward = false;
                seek(want);
            }
            Picture m = grabNext();
            if (m == null) throw unreadable(want);
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
            Picture m = grabNext();
            if (m == null) break;
            chunk.addLast(m);
        }
        nextForward = chunkFirst + chunk.size();
        if (chunk.isEmpty()) throw unreadable(chunkFirst);
    }

    /** Frames decoded once do not decode again after a seek: the same would happen on every try. */
    private UnusableInputException unreadable(int frame) {
        return new UnusableInputException(file,
                "frame " + frame + " of its " + sourceFrames + " could not be read again after seeking: the video is damaged",
                "Export the template again as MP4 (H.264) and drop it again.");
    }

    private void seek(int frame) throws FrameGrabber.Exception {
        if (frame == 0) {
            grabber.restart();
        } else {
            grabber.setVideoFrameNumber(frame);
        }
        nextForward = frame;
    }

    /**
     * The next decoded frame, shaped (upright, scaled, even), as a picture the caller owns; null at the end. The
     * decoder's own frame (RAW mode: javacv converts nothing) is taken as it is and stays in yuv420p.
     */
    private Picture grabNext() throws FrameGrabber.Exception {
        Frame f;
        while ((f = grabber.grabImage()) != null) {
            if (f.opaque instanceof AVFrame decoded && decoded.width() > 0 && decoded.height() > 0) {
                grabbedTimestamp = f.timestamp;
                return shaper.shape(decoded);
            }
        }
        return null;
    }

    private void clearChunk() {
        chunk.forEach(Picture::close);
        chunk.clear();
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Closes the reader (and the shaper); the constructor calls it before refusing a file. */
    private void closeGrabber() {
        if (shaper != null) shaper.close();
        if (grabber == null) return;
        try {
            grabber.close();
        } catch (FrameGrabber.Exception ignored) {
            // closing a reader cannot lose data
        }
    }

    @Override
    public void close() {
        clearChunk();
        if (photo != null) photo.close();
        closeGrabber();
        buffers.close(); // frames still in flight free their own buffers when closed
    }
}
