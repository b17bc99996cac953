package io.lipdrop.bench;

import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.audio.AudioDecoder;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/** The benchmark's own inputs: a presenter video made from a photo (slow zoom and pan) and speech of a given length. */
public final class BenchMedia {
    private BenchMedia() {}

    public static void video(Path photo, Path out, int width, int height, double seconds, double fps) throws Exception {
        MediaLibraries.init();
        Mat src = imread(photo.toString());
        int side = height;
        Mat face = new Mat();
        resize(src, face, new Size(side, side));
        Mat canvas = new Mat(height, width, CV_8UC3, new Scalar(60, 60, 60, 0));
        face.copyTo(canvas.apply(new Rect((width - side) / 2, 0, side, side)));
        record(out, width, height, fps, (int) Math.round(seconds * fps), i -> {
            double phase = Math.sin(2 * Math.PI * i / (fps * 8)); // an 8 s sway, like a presenter's
            Mat m = getRotationMatrix2D(new Point2f(width / 2f, height / 2f), 0, 1.0 + 0.03 * phase);
            m.ptr(0, 2).putDouble(m.ptr(0, 2).getDouble() + width * 0.01 * phase);
            Mat frame = new Mat();
            warpAffine(canvas, frame, m, new Size(width, height));
            m.close();
            return frame;
        });
    }

    /** Encodes {@code frames} pictures from {@code frame} (each closed after use) as H.264 MP4, 0.15 bit per pixel. */
    public static void record(Path out, int width, int height, double fps, int frames, IntFunction<Mat> frame) throws Exception {
        MediaLibraries.init();
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            r.setFormat("mp4");
            r.setVideoCodecName("libopenh264");
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            r.setVideoBitrate((int) Math.max(500_000, width * (double) height * fps * 0.15));
            r.setGopSize((int) Math.round(fps * 2));
            r.start();
            for (int i = 0; i < frames; i++) {
                Mat m = frame.apply(i);
                r.record(conv.convert(m));
                m.close();
            }
            r.stop();
        }
    }

    /** The speech recording repeated up to {@code seconds}, as 16 kHz mono WAV. */
    public static void speech(Path speech, Path out, double seconds) throws IOException {
        MediaLibraries.init();
        float[] pcm = new AudioDecoder().decodeMono16k(speech);
        int n = (int) Math.round(seconds * 16000);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16).put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(pcm[i % pcm.length] * 32767))));
        Files.write(out, b.array());
    }
}
