package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.JobOptions;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A picture with two people (the astronaut photo small on the left, mirrored and larger on the right): the job's
 * face choice decides whose mouth speaks, through the service as a job with its own options runs. What changed is
 * measured on the decoded output against the template, face by face; the middle frames are kept in
 * target/face-choice/ to look at.
 */
class FaceChoiceTest {
    static final Rect LEFT_FACE = new Rect(40, 120, 360, 360);
    static final Rect RIGHT_FACE = new Rect(480, 40, 440, 440);
    static LipSyncService service;
    static Path dir;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path noModels = Files.createDirectories(tmp.resolve("models"));
        service = new LipSyncService(ModelLocator.locate("auto", noModels), noModels, ProviderPreference.CPU, 2,
                // the service's default face stage (BlazeFace + mesh); EngineSettings.defaults() names the Haar cascade
                new JobOptions(null, null, "auto", null, null).applyTo(EngineSettings.defaults()), FaceModelsForTests.get(), null);
    }

    @AfterAll
    static void stop() { if (service != null) service.close(); }

    /** 960x520: the astronaut at 360 px on the left, mirrored at 440 px on the right, on a grey background. */
    static Path twoFaces(Path out) {
        Mat photo = imread(Fixtures.copy("face_astronaut.png", out.getParent()).toString());
        Mat canvas = new Mat(520, 960, CV_8UC3, new Scalar(128, 128, 128, 0));
        Mat small = new Mat(), large = new Mat(), mirrored = new Mat();
        resize(photo, small, new Size(LEFT_FACE.width(), LEFT_FACE.height()));
        flip(photo, mirrored, 1);
        resize(mirrored, large, new Size(RIGHT_FACE.width(), RIGHT_FACE.height()));
        small.copyTo(new Mat(canvas, LEFT_FACE));
        large.copyTo(new Mat(canvas, RIGHT_FACE));
        imwrite(out.toString(), canvas);
        return out;
    }

    /** Pixels that differ by more than 30 grey levels from the template inside {@code face}, summed over the frames. */
    static long changed(List<Mat> frames, Mat template, Rect face) {
        long n = 0;
        Mat t = new Mat(), f = new Mat(), d = new Mat();
        cvtColor(new Mat(template, face), t, COLOR_BGR2GRAY);
        for (Mat frame : frames) {
            cvtColor(new Mat(frame, face), f, COLOR_BGR2GRAY);
            absdiff(f, t, d);
            threshold(d, d, 30, 255, THRESH_BINARY);
            n += countNonZero(d);
        }
        return n;
    }

    private long[] run(FaceChoice choice, Path template, Path speech) throws Exception {
        JobOptions options = new JobOptions(null, null, null, choice, null);
        Path out = dir.resolve(choice.label() + ".mp4");
        SyncResult r = service.sync(speech, template, out, options, null);
        assertEquals("blazeface+mesh", r.face().stage());
        assertEquals(r.frames(), r.framesWithFace(), "the chosen face is found in every frame");
        if (choice != FaceChoice.LARGEST) assertEquals(choice.label(), r.face().models().get("choice"), "the report says which face");
        List<Mat> frames = TestMedia.frames(out);
        Mat template0 = imread(template.toString());
        Path kept = Path.of("target", "face-choice");
        Files.createDirectories(kept);
        imwrite(kept.resolve(choice.label() + ".png").toString(), frames.get(frames.size() / 2));
        long left = changed(frames, template0, LEFT_FACE), right = changed(frames, template0, RIGHT_FACE);
        System.out.printf("face %s: changed pixels left %d, right %d%n", choice.label(), left, right);
        return new long[] {left, right};
    }

    @Test
    void theRequestedFaceSpeaks() throws Exception {
        Path template = twoFaces(dir.resolve("two-faces.png"));
        Files.copy(template, Files.createDirectories(Path.of("target", "face-choice")).resolve("template.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", dir), 2.0);

        long[] largest = run(FaceChoice.LARGEST, template, speech);
        long[] left = run(FaceChoice.LEFT, template, speech);
        long[] right = run(FaceChoice.RIGHT, template, speech);
        assertTrue(largest[1] > 10 * largest[0] + 500, "by default the larger (right) face speaks");
        assertTrue(left[0] > 10 * left[1] + 500, "face: left makes the left face speak and leaves the right one alone");
        assertTrue(right[1] > 10 * right[0] + 500, "face: right makes the right face speak");
    }

    @Test
    void theChoiceIsPartOfTheKeyAndTheDefaultAddsNothing() {
        assertEquals(service.outputAffecting(), service.outputAffecting(JobOptions.DEFAULT));
        assertEquals(service.outputAffecting(), service.outputAffecting(new JobOptions(null, null, null, FaceChoice.LARGEST, null)));
        assertNotEquals(service.outputAffecting(), service.outputAffecting(new JobOptions(null, null, null, FaceChoice.LEFT, null)));
        assertNotEquals(service.outputAffecting(), service.outputAffecting(new JobOptions(null, new Padding(0, 30, 0, 0), null, null, null)));
        assertEquals(service.modelSha(), service.modelSha(new JobOptions(null, new Padding(0, 30, 0, 0), null, FaceChoice.LEFT, null)));
    }
}
