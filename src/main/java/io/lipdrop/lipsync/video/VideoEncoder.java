package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.UnusableInputException;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Writes H.264 (yuv420p) video with the driving audio as AAC into an MP4 whose index is at the front.
 * Audio is decoded from the original file at its own rate and interleaved with the frames as they come.
 * H.264 encoders are tried in order (NVENC first where a GPU is present, then libopenh264).
 */
public final class VideoEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoEncoder.class);

    private final FFmpegFrameRecorder recorder;
    private final FFmpegFrameGrabber audio;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final double fps;
    private final String encoderName;
    private long framesWritten;
    private boolean audioDone;

    public VideoEncoder(Path out, Path audioFile, int width, int height, double fps, int videoBitrate, List<String> encoders) {
        this.fps = fps;
        this.audio = new FFmpegFrameGrabber(audioFile.toFile());
        try {
            audio.start();
        } catch (FrameGrabber.Exception e) {
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
            FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, channels);
            r.setFormat("mp4");
            r.setVideoCodecName(codec);
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            r.setGopSize((int) Math.max(1, Math.round(fps * 2)));
            r.setVideoBitrate(videoBitrate > 0 ? videoBitrate : defaultBitrate(width, height, fps));
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
                failures.add(codec + ": " + e.getMessage());
                try { r.release(); } catch (FrameRecorder.Exception ignored) { /* nothing was written */ }
                try { Files.deleteIfExists(out); } catch (java.io.IOException ignored) { /* retried by the next encoder */ }
            }
        }
        if (opened == null) {
            closeAudio();
            throw new IllegalStateException("no H.264 encoder could be opened: " + failures);
        }
        if (!failures.isEmpty()) LOG.debug("encoder fallbacks: {}", failures);
        this.recorder = opened;
        this.encoderName = used;
    }

    /** 0.15 bit per pixel (7.8 Mb/s at 1080p25): openh264 needs more than x264 to keep skin and hair clean. */
    static int defaultBitrate(int width, int height, double fps) {
        return (int) Math.max(500_000, Math.min(20_000_000, width * (double) height * fps * 0.15));
    }

    public String encoderName() { return encoderName; }

    public void write(Mat bgr) throws FrameRecorder.Exception, FrameGrabber.Exception {
        recorder.record(converter.convert(bgr));
        framesWritten++;
        feedAudioUntil(framesWritten / fps);
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
