package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.video.Picture;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YUV_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's first pass converts each frame to BGR only where it reads it (a mouth's patch and the tongue
 * measure): on the real mesh's landmarks of a real face, what it cuts and measures from that region is byte for byte
 * what it cut and measured from the whole frame, with every pixel it did not convert painted magenta; a region a
 * few pixels smaller shows the paint.
 */
class LibraryReadTest {
    @TempDir Path dir;

    @Test
    void theFirstPassCutsFromTheRegionItConvertedWhatItCutFromTheWholeFrame() throws Exception {
        Mat bgr = imread(Fixtures.copy("face_astronaut.png", dir).toString());
        int w = bgr.cols() & ~1, h = bgr.rows() & ~1;
        Mat even = new Mat(bgr, new Rect(0, 0, w, h)).clone();
        FaceShape s;
        try (FaceStage stage = FaceModelsForTests.stages().open()) {
            stage.observe(0, even);
            s = stage.measured(0).orElseThrow();
        }
        Mat i420 = new Mat();
        cvtColor(even, i420, COLOR_BGR2YUV_I420);
        Mat whole = Picture.ofI420(i420.clone(), w, h).bgr();

        Mat region = painted(i420, w, h, s, MouthLibraryBuilder.READ_MARGIN);
        MouthEntry fromWhole = MouthLibraryBuilder.cut(0, whole, s), fromRegion = MouthLibraryBuilder.cut(0, region, s);
        assertEquals(0, differing(fromWhole.patch(), fromRegion.patch()), "the patch cut from the converted region");
        assertArrayEquals(TongueMeasure.measure(whole, s), TongueMeasure.measure(region, s), "the tongue measure on it");

        Mat smaller = painted(i420, w, h, s, -4);
        MouthEntry cut = MouthLibraryBuilder.cut(0, smaller, s);
        assertTrue(differing(fromWhole.patch(), cut.patch()) > 0, "4 pixels less, and the paint shows in the patch");
        for (MouthEntry e : new MouthEntry[] {fromWhole, fromRegion, cut}) e.close();
    }

    /** A picture of the planes painted magenta, then converted where the first pass reads (margin: pixels beyond). */
    private static Mat painted(Mat i420, int w, int h, FaceShape s, int margin) {
        Picture p = Picture.ofI420(i420.clone(), w, h);
        try (Scalar magenta = new Scalar(255, 0, 255, 0)) { p.bgr(0, 0, 2, 2).put(magenta); }
        return MouthLibraryBuilder.readable(p, s, margin);
    }

    private static int differing(Mat a, Mat b) {
        try (Mat d = new Mat(); Mat g = new Mat()) {
            absdiff(a, b, d);
            cvtColor(d, g, COLOR_BGR2GRAY);
            return countNonZero(g);
        }
    }
}
