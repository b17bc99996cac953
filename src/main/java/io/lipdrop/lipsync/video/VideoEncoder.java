package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.UnusableInputException;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Writes H.264 (yuv420p) video with the driving audio as AAC into an MP4 whose index is at the front.
 * Audio is decoded from the original file at its own rate and interleaved with the frames as they come.
 * H.264 encoders are tried in order (NVENC first where a GPU is present, then libx264 where FFmpeg was built with it,
 * then libopenh264).
 *
 * <p>Failures are told apart so that only what can succeed is tried again: a frame size no listed encoder
 * accepts is an {@link UnusableInputException} (the template must change); an output that cannot be written
 * (disk full, I/O error, missing work folder) is an {@link UncheckedIOException} and an encoder that fails to
 * open for another reason an {@link IllegalStateException}, both retried by the job runner.
 */
public final class VideoEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoEncoder.class);

    /** libopenh264's frame budget: 36,864 macroblocks (H.264 level 5.1/5.2 MaxFS), checked on 16-aligned sizes. */
    public static final long OPENH264_MAX_PIXELS = 36_864L * 256;

    /**
     * What each encoder accepts; the one place these numbers live. libopenh264 (measured with the bundled
     * FFmpeg 8.1 build): refuses to open above 36,864 macroblocks, counting width and height rounded up to 16
     * ("invalid 3088 x 3072" for 3074x3072), fails every frame below 16 pixels on either side, and has no limit
     * of its own per side (65,520x16 encodes; MP4's 16-bit width/height is the bound). h264_nvenc: 4096x4096 at most;
     * below 145 pixels a side some GPUs refuse ("Frame Dimension less than the minimum supported value"), so smaller
     * frames go straight to the next encoder. libx264: H.264 level 6.2, 139,264 macroblocks, at most
     * sqrt(8 * 139,264) = 1,055 macroblocks (16,880 pixels) a side. Any other encoder: level 5.1 and 4096 a side.
     */
    private static final Map<String, FrameLimit> LIMITS = Map.of(
            "libopenh264", new FrameLimit(16, 16, FrameLimit.MP4_MAX_SIDE, FrameLimit.MP4_MAX_SIDE, OPENH264_MAX_PIXELS),
            "h264_nvenc", new FrameLimit(145, 145, 4096, 4096, 4096L * 4096),
            "libx264", new FrameLimit(2, 2, 16_880, 16_880, 139_264L * 256));
    private static final FrameLimit OTHER = new FrameLimit(16, 16, 4096, 4096, 36_864L * 256);

    /** The frame sizes {@code encoder} accepts. */
    public static FrameLimit limit(String encoder) {
        return LIMITS.getOrDefault(encoder.trim().toLowerCase(Locale.ROOT), OTHER);
    }

    /**
     * Frame sizes every listed encoder can take when scaling down (the smallest maximum, so a fallback encoder
     * can still open), and the smallest minimum (a frame is unusable only when no encoder takes it).
     */
    public static FrameLimit frameLimit(List<String> encoders) {
        if (encoders == null || encoders.isEmpty()) return limit("libopenh264");
        int minW = Integer.MAX_VALUE, minH = Integer.MAX_VALUE, maxW = Integer.MAX_VALUE, maxH = Integer.MAX_VALUE;
        long maxPixels = Long.MAX_VALUE;
        for (String e : encoders) {
            FrameLimit l = limit(e);
            minW = Math.min(minW, l.minWidth());
            minH = Math.min(minH, l.minHeight());
            maxW = Math.min(maxW, l.maxWidth());
            maxH = Math.min(maxH, l.maxHeight());
            maxPixels = Math.min(maxPixels, l.maxPixels());
        }
        return new FrameLimit(Math.min(minW, maxW), Math.min(minH, maxH), maxW, maxH, maxPixels);
    }

    /** The most pixels per frame (16-aligned) that every listed encoder takes: {@code frameLimit(encoders).maxPixels()}. */
    public static long maxPixels(List<String> encoders) {
        return frameLimit(encoders).maxPixels();
    }

    private final FFmpegFrameRecorder recorder;
    private final FFmpegFrameGrabber audio;
    private final double fps;
    private final String encoderName;
    private long framesWritten;
    private boolean audioDone;

    public VideoEncoder(Path out, Path audioFile, int width, int height, double fps, int videoBitrate, List<String> encoders) {
        this(out, audioFile, null, width, height, fps, videoBitrate, encoders);
    }

    /**
     * @param template the file the frames come from, named when no encoder takes their size (may be null)
     * @throws UnusableInputException when no listed encoder accepts {@code width x height}, or the audio cannot be read
     * @throws UncheckedIOException   when the output cannot be written (retry)
     * @throws IllegalStateException  when no encoder opens for another reason (retry)
     */
    public VideoEncoder(Path out, Path audioFile, Path template, int width, int height, double fps, int videoBitrate,
                        List<String> encoders) {
        this(out, audioFile, template, width, height, fps, videoBitrate, encoders, 0);
    }

    /** @param threads a software encoder's threads (0: its own count, about one per core; NVENC ignores it) */
    public VideoEncoder(Path out, Path audioFile, Path template, int width, int height, double fps, int videoBitrate,
                        List<String> encoders, int threads) {
        this.fps = fps;
        List<String> refusedSize = new ArrayList<>();
        for (String codec : encoders) {
            String why = refusal(codec, width, height);
            if (why != null) refusedSize.add(why);
        }
        if (!encoders.isEmpty() && refusedSize.size() == encoders.size()) {
            boolean small = frameLimit(encoders).tooSmall(width, height);
            throw new UnusableInputException(template != null ? template : Path.of("template"),
                    String.format(Locale.ROOT, "its pictures are %dx%d pixels, too %s for the H.264 encoder (%s)",
                            width, height, small ? "small" : "large", String.join("; ", refusedSize)),
                    sizeAdvice(width, height, encoders));
        }
        this.audio = new FFmpegFrameGrabber(audioFile.toFile());
        try {
            audio.start();
        } catch (FrameGrabber.Exception e) {
            closeAudio();
            if (MediaErrors.transientRead(e)) {
                throw new UncheckedIOException("cannot read " + audioFile.getFileName() + ": " + MediaErrors.text(MediaErrors.code(e)), e);
            }
            throw new UnusableInputException(audioFile, io.lipdrop.lipsync.MediaLibraries.describeOpenError(e),
                    "Export the speech again as WAV or MP3.", e);
        }
        int channels = Math.max(1, Math.min(2, audio.getAudioChannels()));
        // 44.1/48 kHz as delivered; lower rates (16 kHz speech) go up to 48 kHz, where AAC's 1024-sample
        // frames are 21 ms, so the audio's end lands within one video frame of the last picture.
        int sampleRate = audio.getSampleRate() >= 44_100 ? audio.getSampleRate() : 48_000;
        List<String> failures = new ArrayList<>();
        FFmpegFrameRecorder opened = null;
        String used = null;
        for (String codec : encoders) {
            String refused = refusal(codec, width, height);
            if (refused != null) {
                failures.add(refused);
                continue;
            }
            if (avcodec_find_encoder_by_name(codec) == null) {
                // javacv would otherwise quietly open the format's default H.264 encoder under this name
                failures.add(codec + ": not in this FFmpeg build");
                continue;
            }
            FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, channels);
            r.setFormat("mp4");
            r.setVideoCodecName(codec);
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            r.setGopSize(gopFrames(codec, fps));
            tune(r, codec, videoBitrate, width, height, fps);
            if (threads > 0 && !codec.contains("nvenc")) r.setVideoOption("threads", Integer.toString(threads));
            r.setAudioCodec(AV_CODEC_ID_AAC);
            r.setAudioChannels(channels);
            r.setSampleRate(sampleRate);
            r.setAudioBitrate(channels * 96_000);
            r.setOption("movflags", "+faststart");
            try {
                r.start();
                opened = r;
                used = codec;
                break;
            } catch (FrameRecorder.Exception e) {
                try { r.release(); } catch (FrameRecorder.Exception ignored) { /* nothing was written */ }
                try { Files.deleteIfExists(out); } catch (IOException ignored) { /* retried by the next encoder */ }
                if (MediaErrors.writeFailure(e)) {
                    // the same file fails with any encoder: the disk or the folder, not the input
                    closeAudio();
                    throw new UncheckedIOException(new IOException("cannot write " + out + ": "
                            + MediaErrors.text(MediaErrors.code(e)) + " (" + MediaErrors.brief(e) + ")", e));
                }
                failures.add(codec + ": " + MediaErrors.brief(e));
            }
        }
        if (opened == null) {
            closeAudio();
            throw new IllegalStateException("no H.264 encoder could be opened for " + width + "x" + height + ": " + failures);
        }
        if (!failures.isEmpty()) LOG.debug("encoder fallbacks: {}", failures);
        this.recorder = opened;
        this.encoderName = used;
    }

    /** Why {@code codec} cannot take {@code width x height} ("libopenh264 needs at least 16x16"), or null. */
    static String refusal(String codec, int width, int height) {
        FrameLimit l = limit(codec);
        if (l.tooSmall(width, height)) return codec + " needs at least " + l.minWidth() + "x" + l.minHeight();
        if (l.tooLarge(width, height)) return codec + " takes " + l.describe().replaceFirst("^at least \\S+ pixels and ", "");
        return null;
    }

    private static String sizeAdvice(int width, int height, List<String> encoders) {
        FrameLimit l = frameLimit(encoders);
        if (l.tooSmall(width, height)) {
            return "Use a photo or video of at least " + l.minWidth() + "x" + l.minHeight()
                    + " pixels; for a face the model can work with, 256x256 or more.";
        }
        return "Export the template at a smaller size, for example 1920x1080 (or 1080x1920 upright).";
    }

    private static final java.util.concurrent.atomic.AtomicInteger NEXT_GPU = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Frames from one key frame to the next. libx264: at most 250 (10 s at 25 fps), x264's and FFmpeg's own default;
     * players still seek to any time, from the key frame before it. Every 2 s cost about 10% more encoding (FFmpeg
     * alone on the 1080p benchmark clip, paired whole-process runs, 4 pairs: 1.08x CPU) and 30% more bytes, for nothing a file
     * needs. The others keep every 2 s, what they were tested with: MouthMethodTest's own talking template (made
     * and remade with libopenh264) measured its mouth in the silence at 0.64 of its opening in speech with 250 frames
     * against 0.40 with 2 s. The figure moves with the encoding's details (with libx264: 0.46 at 250, 0.63 at 2 s),
     * and seeking is not the cause: TemplateSourceTest reads a long-GOP template backwards frame-exactly.
     */
    static int gopFrames(String codec, double fps) {
        return "libx264".equals(codec) ? 250 : (int) Math.max(1, Math.round(fps * 2));
    }

    /** x264's constant quality when no bit rate is set: FFmpeg's default, visually clean for a talking head. */
    static final int X264_CRF = 23;

    /**
     * Rate control per encoder. libx264 runs its {@code veryfast} preset (what a user would pick on the command line;
     * it spends its time on the frames, not on a slower search) at constant quality, so quiet talking-head frames
     * cost fewer bits than a fixed rate; a configured bit rate is kept as the average. The others get a bit rate.
     */
    private static void tune(FFmpegFrameRecorder r, String codec, int configuredBitrate, int width, int height, double fps) {
        if ("libx264".equals(codec)) {
            r.setVideoOption("preset", "veryfast");
            if (configuredBitrate > 0) {
                r.setVideoBitrate(configuredBitrate);
            } else {
                r.setVideoBitrate(0); // otherwise javacv's 400 kb/s default would be an average target
                r.setVideoOption("crf", Integer.toString(X264_CRF));
            }
        } else {
            r.setVideoBitrate(configuredBitrate > 0 ? configuredBitrate : defaultBitrate(width, height, fps));
            if ("h264_nvenc".equals(codec)) {
                // each encoder on the next GPU in turn, as the workers and the model's sessions spread over them
                int gpus = Math.max(1, io.lipdrop.lipsync.model.GpuDevices.count("auto"));
                r.setVideoOption("gpu", Integer.toString(Math.floorMod(NEXT_GPU.getAndIncrement(), gpus)));
            }
        }
    }

    /** 0.15 bit per pixel (7.8 Mb/s at 1080p25): openh264 needs more than x264 to keep skin and hair clean. */
    static int defaultBitrate(int width, int height, double fps) {
        return (int) Math.max(500_000, Math.min(20_000_000, width * (double) height * fps * 0.15));
    }

    public String encoderName() { return encoderName; }

    /**
     * Encodes one frame of the size given at construction. Failures are {@link FrameRecorder.Exception}s, which
     * are {@link IOException}s: writing (disk full) and the encoder, both worth another try.
     */
    public void write(Picture picture) throws FrameRecorder.Exception, FrameGrabber.Exception {
        // the encoder's own yuv420p: FFmpegFrameRecorder hands the planes to the encoder as they are
        Mat planes = picture.i420();
        recorder.recordImage(picture.width(), picture.height(), Frame.DEPTH_UBYTE, 1, picture.width(), AV_PIX_FMT_YUV420P,
                planes.data().capacity(planes.total()).asBuffer());
        framesWritten++;
        feedAudioUntil(framesWritten / fps);
    }

    /** {@link #write(Picture)} for a BGR frame of the size given at construction (converted to yuv420p here). */
    public void write(Mat bgr) throws FrameRecorder.Exception, FrameGrabber.Exception {
        try (Picture p = Picture.view(bgr)) {
            write(p);
        }
    }

    /** Writes the audio that belongs before {@code seconds} so the muxer never buffers much of either stream. */
    private void feedAudioUntil(double seconds) throws FrameRecorder.Exception, FrameGrabber.Exception {
        while (!audioDone && audio.getTimestamp() / 1e6 < seconds) {
            Frame f = audio.grabSamples();
            if (f == null) { audioDone = true; break; }
            if (f.samples != null) recorder.record(f);
        }
    }

    /** Writes the rest of the audio and the trailer. */
    public void finish() throws FrameRecorder.Exception, FrameGrabber.Exception {
        feedAudioUntil(Double.MAX_VALUE);
        recorder.stop();
    }

    private void closeAudio() {
        try { audio.close(); } catch (FrameGrabber.Exception ignored) { /* reader */ }
    }

    @Override
    public void close() {
        try {
            recorder.release();
        } catch (FrameRecorder.Exception e) {
            LOG.debug("releasing recorder: {}", e.getMessage());
        }
        closeAudio();
    }
}
