package io.lipdrop.lipsync;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.OrientedMedia;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 12-megapixel phone photo and a phone video with a rotation tag are made, upright, through the whole engine. */
class AnySizeAndOrientationTest {
    @TempDir Path dir;

    private Path speech(double seconds) throws Exception {
        float[] pcm = new AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", dir));
        return TestMedia.wav(dir.resolve("speech.wav"), Arrays.copyOf(pcm, (int) (seconds * 16000)), 1);
    }

    private static LipSyncEngine engine() {
        return new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages());
    }

    @Test
    void aTwelveMegapixelPhotoIsScaledToWhatTheEncoderTakes() throws Exception {
        Mat face = imread(Fixtures.copy("face_astronaut.png", dir).toString());
        Mat canvas = new Mat(3024, 4032, CV_8UC3, new Scalar(90, 110, 120, 0));
        Mat big = new Mat();
        resize(face, big, new Size(1800, 1800));
        big.copyTo(canvas.apply(new Rect(1116, 612, 1800, 1800)));
        Path photo = dir.resolve("phone.jpg");
        imwrite(photo.toString(), canvas);

        Path out = dir.resolve("phone.mp4");
        SyncResult r = engine().sync(speech(1), photo, out, null);
        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals(3542, p.width());
        assertEquals(2656, p.height());
        assertEquals(4032.0 / 3024, p.width() / (double) p.height(), 0.01, "aspect kept");
        assertEquals(r.frames(), r.framesWithFace());
        assertTrue(r.template().scaled());
        assertEquals(4032, r.template().width());
        assertEquals("h264", p.videoCodec());
    }

    @Test
    void aPhoneVideoWithARotationTagComesOutUpright() throws Exception {
        Mat face = imread(Fixtures.copy("face_astronaut.png", dir).toString());
        Mat upright = new Mat(640, 360, CV_8UC3, new Scalar(60, 60, 60, 0));
        Mat small = new Mat();
        resize(face, small, new Size(340, 340));
        small.copyTo(upright.apply(new Rect(10, 100, 340, 340)));
        // stored on its side as a phone held upright stores it, with the display rotation that turns it back
        Mat stored = new Mat();
        rotate(upright, stored, ROTATE_90_COUNTERCLOCKWISE);
        Path video = OrientedMedia.video(dir.resolve("phone.mp4"), 640, 360, 25, 50, -90, false, i -> stored.clone());

        Path out = dir.resolve("upright.mp4");
        SyncResult r = engine().sync(speech(2), video, out, null);
        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals(360, p.width());
        assertEquals(640, p.height());
        assertEquals(90, r.template().rotation());
        // a face on its side is not found: every frame with a face means every frame was upright
        assertEquals(r.frames(), r.framesWithFace());
    }
}
