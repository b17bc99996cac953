package io.lipdrop.lipsync.video;

import io.lipdrop.testing.OrientedMedia;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Phone videos with a display rotation and photos with an EXIF orientation come out upright: the test draws
 * the upright picture with a white square in its top-left corner, stores it turned the way a phone would, and
 * checks where the square lands.
 */
class OrientationTest {
    @TempDir Path dir;

    /** The upright picture turned back by {@code clockwise} degrees: what a sensor stores before the tag fixes it. */
    private static Mat stored(Mat upright, int clockwise) {
        if (clockwise == 0) return upright.clone();
        Mat s = new Mat();
        rotate(upright, s, clockwise == 90 ? ROTATE_90_COUNTERCLOCKWISE : clockwise == 180 ? ROTATE_180 : ROTATE_90_CLOCKWISE);
        return s;
    }

    private static int grey(Mat m, int x, int y) {
        return m.ptr(y, x).get() & 0xff;
    }

    /** The white square is in the top-left corner and in no other. */
    private static void assertMarkTopLeft(Mat m, String what) {
        int w = m.cols(), h = m.rows();
        assertTrue(grey(m, 3, 3) > 200, what + ": the mark is top-left (" + grey(m, 3, 3) + ")");
        assertTrue(grey(m, w - 4, 3) < 200, what + ": not top-right");
        assertTrue(grey(m, 3, h - 4) < 200, what + ": not bottom-left");
        assertTrue(grey(m, w - 4, h - 4) < 200, what + ": not bottom-right");
    }

    private static int frameNumber(Mat m) {
        return Math.round((grey(m, m.cols() / 2, m.rows() / 2) - 20) / 20f);
    }

    /**
     * @param display  what the file's display matrix says (javacv's counter-clockwise degrees; phones held upright write -90)
     * @param clockwise the turn that makes it upright
     */
    @ParameterizedTest
    @CsvSource({"-90, 90", "90, 270", "180, 180", "0, 0"})
    void rotatedPhoneVideosComeOutUprightOnEveryPathForwardsAndBackwards(double display, int clockwise) throws Exception {
        // portrait, as the presenter stood; wider than 144 pixels, since javacv's BGR conversion squeezes
        // some narrower frames (16..144 wide) whatever their rotation
        int uw = 160, uh = 224;
        Path video = OrientedMedia.video(dir.resolve("phone.mp4"), clockwise % 180 == 0 ? uw : uh, clockwise % 180 == 0 ? uh : uw,
                25, 6, display, false, i -> {
                    try (Mat upright = OrientedMedia.markedFrame(uw, uh, i, 24)) {
                        return stored(upright, clockwise);
                    }
                });
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
            g.start();
            assertEquals(FrameGeometry.normalize(display), FrameGeometry.normalize(g.getDisplayRotation()),
                    "javacv reads back what it wrote (180 comes back as -180)");
        }
        try (TemplateSource source = new TemplateSource(video, 2)) {
            assertEquals(clockwise, source.rotation());
            assertEquals(uw, source.width());
            assertEquals(uh, source.height());
            assertEquals(clockwise % 180 == 0 ? uw : uh, source.sourceWidth(), "as stored");
            assertEquals(false, source.scaled());
            for (int i = 0; i < 16; i++) { // forwards, then backwards in chunks of 2 (seeks), then forwards again
                SourceFrame f = source.next(i);
                assertEquals(uw, f.picture.bgr().cols());
                assertEquals(uh, f.picture.bgr().rows());
                assertMarkTopLeft(f.picture.bgr(), "output frame " + i);
                assertEquals(Timeline.pingPong(i, 6), frameNumber(f.picture.bgr()), "pixels of output frame " + i);
                f.picture.close();
            }
        }
    }

    @Test
    void aRotatedVideoLargerThanTheLimitIsTurnedAndScaled() throws Exception {
        Path video = OrientedMedia.video(dir.resolve("big.mp4"), 320, 240, 25, 4, -90, false, i -> {
            try (Mat upright = OrientedMedia.markedFrame(240, 320, i, 48)) {
                return stored(upright, 90);
            }
        });
        // 120x160 is 8x10 macroblocks (128x160 once rounded up): 20,480 pixels
        try (TemplateSource source = new TemplateSource(video, 2, 20_480)) {
            assertEquals(90, source.rotation());
            assertTrue(source.scaled());
            assertEquals(120, source.width());
            assertEquals(160, source.height());
            assertEquals(320, source.sourceWidth());
            assertEquals(240, source.sourceHeight());
            for (int i = 0; i < 8; i++) {
                SourceFrame f = source.next(i);
                assertEquals(120, f.picture.bgr().cols());
                assertEquals(160, f.picture.bgr().rows());
                assertMarkTopLeft(f.picture.bgr(), "output frame " + i);
                assertEquals(Timeline.pingPong(i, 4), frameNumber(f.picture.bgr()), "pixels of output frame " + i);
                f.picture.close();
            }
        }
    }

    @Test
    void aSingleFrameRotatedVideoIsUprightEveryTime() throws Exception {
        Path video = OrientedMedia.video(dir.resolve("one.mp4"), 224, 160, 25, 1, -90, false, i -> {
            try (Mat upright = OrientedMedia.markedFrame(160, 224, i, 24)) {
                return stored(upright, 90);
            }
        });
        try (TemplateSource source = new TemplateSource(video, 4)) {
            for (int i = 0; i < 4; i++) {
                SourceFrame f = source.next(i);
                assertEquals(160, f.picture.bgr().cols());
                assertEquals(224, f.picture.bgr().rows());
                assertMarkTopLeft(f.picture.bgr(), "output frame " + i);
                f.picture.close();
            }
        }
    }

    /** Stored 64x48 with the mark where a sensor puts it for orientation 6 (the camera turned a quarter right). */
    private static byte[] storedForOrientation6(String ext) {
        try (Mat upright = OrientedMedia.markedFrame(48, 64, 4, 16); Mat s = stored(upright, 90)) {
            return OrientedMedia.encode(ext, s);
        }
    }

    @Test
    void openCvAppliesTheExifOrientationItselfUnlessToldToIgnoreIt() throws Exception {
        Path jpg = Files.write(dir.resolve("exif6.jpg"), OrientedMedia.jpegWithOrientation(storedForOrientation6(".jpg"), 6, false));
        try (Mat applied = imread(jpg.toString(), IMREAD_COLOR);
             Mat ignored = imread(jpg.toString(), IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION)) {
            assertEquals(48, applied.cols(), "IMREAD_COLOR turns it upright");
            assertEquals(64, applied.rows());
            assertMarkTopLeft(applied, "imread(IMREAD_COLOR)");
            assertEquals(64, ignored.cols(), "IMREAD_IGNORE_ORIENTATION shows it as stored");
        }
    }

    @ParameterizedTest
    @CsvSource({"exif6_le.jpg, jpeg-le", "exif6_be.jpeg, jpeg-be", "exif6.png, png", "exif6_jpeg_named.png, jpeg-le"})
    void photosWithExifOrientation6ComeOutUpright(String name, String kind) throws Exception {
        byte[] bytes = switch (kind) {
            case "jpeg-le" -> OrientedMedia.jpegWithOrientation(storedForOrientation6(".jpg"), 6, false);
            case "jpeg-be" -> OrientedMedia.jpegWithOrientation(storedForOrientation6(".jpg"), 6, true);
            default -> OrientedMedia.pngWithOrientation(storedForOrientation6(".png"), 6);
        };
        Path photo = Files.write(dir.resolve(name), bytes);
        assertEquals(6, ExifOrientation.read(bytes));
        try (TemplateSource source = new TemplateSource(photo, 4)) {
            assertEquals(90, source.rotation());
            assertEquals(64, source.sourceWidth(), "as stored");
            assertEquals(48, source.sourceHeight());
            assertEquals(48, source.width());
            assertEquals(64, source.height());
            for (int i = 0; i < 2; i++) {
                SourceFrame f = source.next(i);
                assertMarkTopLeft(f.picture.bgr(), name + " frame " + i);
                f.picture.close();
            }
        }
    }

    @Test
    void withoutExifAPhotoIsAsStored() throws Exception {
        byte[] jpg;
        try (Mat upright = OrientedMedia.markedFrame(48, 64, 4, 16)) {
            jpg = OrientedMedia.encode(".jpg", upright);
        }
        assertEquals(1, ExifOrientation.read(jpg));
        try (TemplateSource source = new TemplateSource(Files.write(dir.resolve("plain.jpg"), jpg), 4)) {
            assertEquals(0, source.rotation());
            SourceFrame f = source.next(0);
            assertMarkTopLeft(f.picture.bgr(), "plain");
            f.picture.close();
        }
    }
}
