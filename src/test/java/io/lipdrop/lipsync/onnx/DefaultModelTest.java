package io.lipdrop.lipsync.onnx;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.face.CascadeFaceDetector;
import io.lipdrop.lipsync.face.FaceBox;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultModelTest {
    @TempDir Path dir;

    @Test
    void theCommittedModelIsExactlyWhatTheGeneratorWrites() throws Exception {
        Path committed = Path.of(System.getProperty("lipdrop.app", "."), "models", DefaultModelGenerator.FILE_NAME);
        assertArrayEquals(DefaultModelGenerator.generate(), Files.readAllBytes(committed),
                "models/" + DefaultModelGenerator.FILE_NAME + " is stale: run the generator (see docs/models.md, \"The baseline model\")");
    }

    @Test
    void silenceKeepsTheFaceAndLoudSpeechChangesOnlyTheLowerHalf() {
        int s = DefaultModelGenerator.SIZE, plane = s * s;
        float[] faces = new float[2 * 6 * plane];
        for (int i = 0; i < faces.length; i++) faces[i] = (i % 97) / 97f;
        float[] mel = new float[2 * 80 * 16];
        java.util.Arrays.fill(mel, 0, 80 * 16, -4f);        // silence
        java.util.Arrays.fill(mel, 80 * 16, mel.length, 0f); // loud
        float[] out = new float[2 * 3 * plane];
        try (Wav2LipModel m = Wav2LipModel.load("default", DefaultModelGenerator.generate(), ProviderPreference.CPU, 1)) {
            m.infer(mel, faces, 2, out);
        }
        double quietChange = 0, loudUpper = 0, loudLower = 0;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                quietChange = Math.max(quietChange, Math.abs(out[c * plane + p] - faces[(3 + c) * plane + p]));
                double d = Math.abs(out[3 * plane + c * plane + p] - faces[6 * plane + (3 + c) * plane + p]);
                if (p < plane / 2) loudUpper = Math.max(loudUpper, d); else loudLower = Math.max(loudLower, d);
            }
        }
        assertTrue(quietChange < 1e-4, "silence changed the face by " + quietChange);
        assertTrue(loudUpper < 1e-4, "loud speech changed the upper half by " + loudUpper);
        assertTrue(loudLower > 0.2, "loud speech changed the mouth by only " + loudLower);
    }

    /** The objective check, on a real encoded video: mouth change follows loudness (r >= 0.6). */
    @Test
    void mouthMovementFollowsTheLoudnessOfRealSpeech() throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path audio = Fixtures.copy("speech_en_16k.wav", dir);
        Path out = dir.resolve("talking.mp4");
        try (Wav2LipModel m = Wav2LipModel.load("default", DefaultModelGenerator.generate(), ProviderPreference.AUTO, 2)) {
            new LipSyncEngine(m, EngineSettings.defaults()).sync(audio, photo, out, null);
        }
        Mat still = imread(photo.toString());
        FaceBox box;
        try (CascadeFaceDetector d = new CascadeFaceDetector("haar", 480)) {
            box = d.detect(still).orElseThrow().padded(0, 10, 0, 0, still.cols(), still.rows());
        }
        float[] pcm = new AudioDecoder().decodeMono16k(audio);
        List<Mat> frames = TestMedia.frames(out);
        double[] mouth = new double[frames.size()], upper = new double[frames.size()], loud = new double[frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            mouth[i] = meanAbsDiff(frames.get(i), still, box.x1() + box.width() / 4, box.y1() + box.height() * 62 / 100,
                    box.x1() + box.width() * 3 / 4, box.y2() - box.height() / 20);
            // against the key frame that starts this frame's GOP (2 s): each IDR re-quantises the still
            // differently, which is the encoder's doing; within a GOP only our change can show
            upper[i] = meanAbsDiff(frames.get(i), frames.get(i - i % 50), box.x1(), box.y1(), box.x2(), box.y1() + box.height() / 2);
            loud[i] = loudnessDb(pcm, i * 640, 800); // 50 ms from the frame's start (16 kHz, 25 fps)
        }
        double r = pearson(mouth, loud);
        double upperMax = java.util.Arrays.stream(upper).max().orElse(0);
        double mouthMax = java.util.Arrays.stream(mouth).max().orElse(0);
        assertTrue(r >= 0.6, "Pearson r between mouth change and loudness is " + r);
        // Bit-exactness of the upper half is proven before encoding (above and in Wav2LipTranslatorTest);
        // through openh264, which re-quantises the still after every key frame, it shows as a small fraction.
        assertTrue(upperMax < mouthMax / 5, "upper face changed by " + upperMax + ", mouth by " + mouthMax);
        assertEquals(frames.size(), mouth.length);
    }

    static double meanAbsDiff(Mat a, Mat b, int x1, int y1, int x2, int y2) {
        UByteIndexer ia = a.createIndexer(), ib = b.createIndexer();
        double sum = 0;
        int n = 0;
        for (int y = y1; y < y2; y++) for (int x = x1; x < x2; x++) for (int c = 0; c < 3; c++) {
            sum += Math.abs(ia.get(y, x, c) - ib.get(y, x, c));
            n++;
        }
        ia.close();
        ib.close();
        return sum / n;
    }

    static double loudnessDb(float[] pcm, int start, int len) {
        double e = 0;
        int n = 0;
        for (int i = start; i < Math.min(pcm.length, start + len); i++) { e += pcm[i] * pcm[i]; n++; }
        return 10 * Math.log10(Math.max(1e-10, n == 0 ? 0 : e / n));
    }

    static double pearson(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) { mx += x[i]; my += y[i]; }
        mx /= x.length;
        my /= y.length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
