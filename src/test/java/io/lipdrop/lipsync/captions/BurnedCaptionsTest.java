package io.lipdrop.lipsync.captions;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.HeardSpeech;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.lipsync.asr.Transcript;
import io.lipdrop.lipsync.asr.Word;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.SpeechForTests;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code captions: burn} through the engine: the heard words are in the picture while their cue lasts, and only there. */
class BurnedCaptionsTest {
    @TempDir
    Path tmp;

    @Test
    void theHeardWordsAreDrawnIntoTheFramesTheirCueCovers() throws Exception {
        Path audio = Path.of("src/test/resources/fixtures/speech_en_16k.wav");
        Path photo = Path.of("src/test/resources/fixtures/face_astronaut.png");
        Transcript words = SpeechForTests.recognizer().recognise(audio);
        PhoneTiming phones = SpeechForTests.aligner().align(audio, words, "vosk-en", () -> false);
        HeardSpeech heard = new HeardSpeech() {
            @Override public Optional<PhoneTiming> timing() { return Optional.of(phones); }
            @Override public List<Word> words() { return words.words(); }
        };
        LipSyncEngine engine = new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages(), FaceModelsForTests.visemes());
        Path plain = engine.sync(audio, photo, tmp.resolve("plain.mp4"), null, heard, false) != null ? tmp.resolve("plain.mp4") : null;
        Path burned = tmp.resolve("burned.mp4");
        engine.sync(audio, photo, burned, null, heard, true);
        List<Cue> cues = Captions.cues(words.words());
        assertTrue(!cues.isEmpty(), "the fixture's speech gives cues");
        List<Mat> a = TestMedia.frames(plain), b = TestMedia.frames(burned);
        assertEquals(a.size(), b.size());
        double fps = 25;
        int inside = 0, outside = 0, checkedIn = 0, checkedOut = 0;
        for (int i = 0; i < a.size(); i++) {
            double t = i / fps;
            boolean shown = cues.stream().anyMatch(c -> c.start() <= t && t < c.end());
            Mat d = new Mat();
            org.bytedeco.opencv.global.opencv_core.absdiff(a.get(i), b.get(i), d);
            Mat grey = new Mat();
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(d, grey, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            Mat changed = new Mat();
            org.bytedeco.opencv.global.opencv_imgproc.threshold(grey, changed, 40, 255, org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY);
            int n = org.bytedeco.opencv.global.opencv_core.countNonZero(changed);
            // the top half never changes: the captions sit near the bottom
            Mat top = new Mat(changed, new org.bytedeco.opencv.opencv_core.Rect(0, 0, changed.cols(), changed.rows() / 2));
            assertEquals(0, org.bytedeco.opencv.global.opencv_core.countNonZero(top), "frame " + i + ": pixels changed in the top half");
            if (shown) { checkedIn++; if (n > 500) inside++; }
            else { checkedOut++; if (n == 0) outside++; }
        }
        System.out.printf("burned captions: %d of %d frames under a cue show it, %d of %d frames without one are untouched%n",
                inside, checkedIn, outside, checkedOut);
        assertEquals(checkedIn, inside, "every frame a cue covers shows it");
        assertEquals(checkedOut, outside, "no frame without a cue is touched");
    }
}
