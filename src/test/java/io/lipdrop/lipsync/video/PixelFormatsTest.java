package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.MediaLibraries;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Templates whose decoder gives another pixel format than 8-bit limited-range 4:2:0 (full-range JPEG 4:2:0 from
 * phones and MJPEG, 4:4:4, 10-bit HEVC) reach the pipeline as yuv420p through swscale with their colours: each
 * patch of a test card comes back within a few levels of what was encoded.
 */
class PixelFormatsTest {
    @TempDir Path dir;

    private static final double[][] PATCHES = {
            {40, 40, 200}, {60, 190, 70}, {210, 80, 50}, {128, 128, 128}, {230, 230, 230}, {25, 25, 25}};

    private static Mat card() {
        Mat m = new Mat(96, 192, CV_8UC3);
        for (int i = 0; i < PATCHES.length; i++) {
            double[] c = PATCHES[i];
            try (Rect r = new Rect((i % 3) * 64, (i / 3) * 48, 64, 48); Scalar s = new Scalar(c[0], c[1], c[2], 0)) {
                rectangle(m, r, s, FILLED, 8, 0);
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({"libx264, yuvj420p, mp4", "libx264, yuv444p, mp4", "libx265, yuv420p10le, mp4", "mjpeg, yuvj422p, mov"})
    void otherPixelFormatsKeepTheirColours(String codec, String pixelFormat, String container) throws Exception {
        MediaLibraries.init();
        Path file = dir.resolve("card-" + pixelFormat + "." + container);
        try (Mat card = card(); OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
             FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), card.cols(), card.rows(), 0)) {
            r.setFormat(container);
            r.setVideoCodecName(codec);
            r.setPixelFormat(av_get_pix_fmt(pixelFormat));
            r.setFrameRate(25);
            r.setVideoQuality(2);
            r.start();
            for (int i = 0; i < 5; i++) r.record(conv.convert(card));
            r.stop();
        }
        try (TemplateSource source = new TemplateSource(file, 8)) {
            SourceFrame f = source.next(0);
            try (f.picture; UByteIndexer ix = f.picture.bgr().createIndexer()) {
                for (int i = 0; i < PATCHES.length; i++) {
                    int x = (i % 3) * 64 + 32, y = (i / 3) * 48 + 24;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(PATCHES[i][c], ix.get(y, x, c), 8, pixelFormat + ": patch " + i + ", channel " + c);
                    }
                }
            }
        }
    }
}
