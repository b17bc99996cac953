package io.lipdrop.testing;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

/** Builds real template videos with javacv, as a user's camera or editor would. */
public final class TestMedia {
    private TestMedia() {}

    /** A video of {@code photo} with a slow zoom and pan, so the face moves (the benchmark's generator). */
    /** The first {@code seconds} of a speech recording, as a WAV file beside it. */
    public static Path shortSpeech(Path wav, double seconds) throws Exception {
        Path out = wav.resolveSibling("short-" + wav.getFileName());
        try (javax.sound.sampled.AudioInputStream in = javax.sound.sampled.AudioSystem.getAudioInputStream(wav.toFile())) {
            javax.sound.sampled.AudioFormat f = in.getFormat();
            try (javax.sound.sampled.AudioInputStream cut = new javax.sound.sampled.AudioInputStream(in, f, (long) (f.getFrameRate() * seconds))) {
                javax.sound.sampled.AudioSystem.write(cut, javax.sound.sampled.AudioFileFormat.Type.WAVE, out.toFile());
            }
        }
        return out;
    }

    public static Path videoFromPhoto(Path photo, Path out, int width, int height, double seconds, double fps) throws Exception {
        io.lipdrop.bench.BenchMedia.video(photo, out, width, height, seconds, fps);
        return out;
    }

    /** A video whose frame i is a flat grey of brightness 20*i+20: lets a test read back which frame it sees. */
    public static Path numberedVideo(Path out, int frames, double fps) throws Exception {
        return write(out, 64, 64, fps, frames, i -> new Mat(64, 64, CV_8UC3, new Scalar(20 * i + 20, 20 * i + 20, 20 * i + 20, 0)));
    }

    /**
     * A street with no person in it: cars (body, windows, wheels, lights: the shapes that fooled the Haar cascade
     * into "faces") driving across a grey road under a pale sky.
     */
    public static Path street(Path out, int width, int height, int frames) throws Exception {
        return write(out, width, height, 25, frames, i -> {
            Mat m = new Mat(height, width, CV_8UC3, new Scalar(90, 90, 90, 0));
            rectangle(m, new Rect(0, 0, width, height * 2 / 5), new Scalar(200, 170, 140, 0), FILLED, 8, 0);
            for (int car = 0; car < 3; car++) {
                int x = (i * (4 + 3 * car) + car * 230) % (width + 120) - 120, y = height / 2 - 10 + car * height / 7;
                rectangle(m, new Rect(x, y, 120, 45), new Scalar(40 + 60 * car, 60, 180 - 50 * car, 0), FILLED, 8, 0);
                rectangle(m, new Rect(x + 20, y - 22, 70, 24), new Scalar(50, 40, 30, 0), FILLED, 8, 0);
                rectangle(m, new Rect(x + 28, y - 18, 24, 16), new Scalar(220, 210, 190, 0), FILLED, 8, 0);
                rectangle(m, new Rect(x + 58, y - 18, 24, 16), new Scalar(220, 210, 190, 0), FILLED, 8, 0);
                circle(m, new Point(x + 25, y + 45), 13, new Scalar(20, 20, 20, 0), FILLED, 8, 0);
                circle(m, new Point(x + 95, y + 45), 13, new Scalar(20, 20, 20, 0), FILLED, 8, 0);
                circle(m, new Point(x + 112, y + 14), 5, new Scalar(150, 240, 255, 0), FILLED, 8, 0);
            }
            return m;
        });
    }

    public static Path write(Path out, int width, int height, double fps, int frames, IntFunction<Mat> frame) throws Exception {
        io.lipdrop.bench.BenchMedia.record(out, width, height, fps, frames, frame);
        return out;
    }

    /** Writes 16 kHz mono PCM16 WAV: {@code pcm} repeated {@code times} times. */
    public static Path wav(Path out, float[] pcm, int times) throws java.io.IOException {
        int n = pcm.length * times;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16).put("data".getBytes()).putInt(2 * n);
        for (int t = 0; t < times; t++) for (float v : pcm) b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
        java.nio.file.Files.write(out, b.array());
        return out;
    }

    /** Facts about a media file, read back with FFmpeg. */
    public record Probe(String videoCodec, String audioCodec, int width, int height, double fps, int frames,
                        double videoSeconds, double audioSeconds, String pixelFormat) {}

    public static Probe probe(Path file) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.setImageMode(org.bytedeco.javacv.FrameGrabber.ImageMode.RAW); // report the stream's own pixel format
            g.start();
            String vc = g.getVideoCodecName();
            String ac = g.getAudioCodecName();
            int w = g.getImageWidth(), h = g.getImageHeight();
            double fps = g.getFrameRate();
            String pix = org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name(g.getPixelFormat()).getString();
            int frames = 0;
            long lastVideo = 0, lastAudioEnd = 0;
            Frame f;
            while ((f = g.grab()) != null) {
                if (f.image != null) { frames++; lastVideo = f.timestamp; }
                if (f.samples != null) {
                    int n = f.samples[0].limit() / Math.max(1, f.samples.length == 1 ? f.audioChannels : 1);
                    lastAudioEnd = f.timestamp + Math.round(n * 1e6 / f.sampleRate);
                }
            }
            return new Probe(vc, ac, w, h, fps, frames, lastVideo / 1e6 + 1 / fps, lastAudioEnd / 1e6, pix);
        }
    }

    /** Decodes every frame of a video (small test videos only). */
    public static List<Mat> frames(Path file) throws Exception {
        List<Mat> out = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            g.start();
            Frame f;
            while ((f = g.grabImage()) != null) out.add(conv.convert(f).clone());
        }
        return out;
    }
}
