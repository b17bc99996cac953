package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.model.CudaProbe;
import io.lipdrop.testing.CapturedLog;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NVDEC (FFmpeg's h264_cuvid) is asked for on a machine without a GPU: it cannot open, the template is decoded in
 * software, and every frame, forwards and backwards across seeks, is the one software decoding gives.
 * On a machine with a GPU the same test proves NVDEC's frames equal the software decoder's.
 */
class NvdecFallbackTest {
    @TempDir Path dir;

    @Test
    void nvdecThatCannotOpenFallsBackToSoftwareAndTheFramesAreTheSame() throws Exception {
        Path video = TestMedia.street(dir.resolve("street.mp4"), 320, 240, 20);
        FrameLimit limit = VideoEncoder.frameLimit(java.util.List.of("libopenh264"));
        try (CapturedLog log = new CapturedLog();
             TemplateSource gpu = new TemplateSource(video, 4, limit, VideoDecoding.NVDEC);
             TemplateSource cpu = new TemplateSource(video, 4, limit, VideoDecoding.SOFTWARE)) {
            assertEquals("h264", cpu.decoder());
            assertNull(cpu.decoderFallback());
            if (CudaProbe.gpuPresent()) {
                assertTrue(gpu.decoder().startsWith("h264_cuvid (NVDEC, GPU "), gpu.decoder());
            } else {
                assertEquals("h264", gpu.decoder());
                // FFmpeg's own reason ("Cannot load libnvcuvid.so.1") is its log line; javacv's exception is generic
                assertTrue(gpu.decoderFallback().startsWith("h264_cuvid could not decode street.mp4: avcodec_open2() error"),
                        gpu.decoderFallback());
                assertTrue(log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("NVDEC")).count() <= 1, log.lines().toString());
            }
            assertEquals(cpu.width(), gpu.width());
            assertEquals(cpu.height(), gpu.height());
            // 50 output frames of a 20-frame template: forwards, backwards (seeking in chunks of 4), forwards again
            for (int i = 0; i < 50; i++) {
                SourceFrame a = gpu.next(i), b = cpu.next(i);
                assertEquals(b.sourceIndex, a.sourceIndex, "frame " + i);
                assertEquals(0, differingPixels(a.picture.bgr(), b.picture.bgr()), "pixels of output frame " + i);
                a.picture.close();
                b.picture.close();
            }
        }
    }

    @Test
    void autoDecodesInSoftwareWithoutTryingNvdecWhereThereIsNoGpu() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(CudaProbe.gpuPresent(), "this machine has a GPU");
        Path video = TestMedia.numberedVideo(dir.resolve("n.mp4"), 5, 25);
        try (TemplateSource source = new TemplateSource(video, 3)) {
            assertEquals("h264", source.decoder());
            assertNull(source.decoderFallback(), "NVDEC is not even tried");
        }
    }

    private static int differingPixels(Mat a, Mat b) {
        try (Mat d = new Mat(); Mat grey = new Mat()) {
            absdiff(a, b, d);
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(d, grey, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            return countNonZero(grey);
        }
    }
}
