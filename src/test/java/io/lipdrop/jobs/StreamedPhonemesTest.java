package io.lipdrop.jobs;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.SpeechForTests;
import io.lipdrop.testing.TestMedia;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job places its phonemes while its words are recognised, a window at a time, and the photo warp's frames go as
 * the windows arrive: the phonemes, and so the video, are exactly those of aligning the whole audio with the same words
 * after recognising it (the words a window's alignment reads are final before it is aligned).
 */
class StreamedPhonemesTest {
    @TempDir
    Path tmp;

    @Test
    void phonemesPlacedWhileTheWordsAreHeardAreThoseOfTheWholeAudio() throws Exception {
        // the English fixture and its first 4 s again after a pause: several windows and utterances
        Path speech = Path.of("src/test/resources/fixtures/speech_en_16k.wav");
        float[] once = new io.lipdrop.lipsync.audio.AudioDecoder().decodeMono16k(speech);
        int again = 4 * 16000;
        float[] twice = new float[once.length + 16000 + again];
        System.arraycopy(once, 0, twice, 0, once.length);
        System.arraycopy(once, 0, twice, once.length + 16000, again);
        Path audio = TestMedia.wav(tmp.resolve("twice.wav"), twice, 1);

        JobCaptions captions = new JobCaptions("en", Map.of("en", new JobCaptions.Recogniser(SpeechForTests.recognizer(), "vosk-model-en", "test")),
                Map.of(), Optional.of(SpeechForTests.aligner()));
        JobCaptions.Pending streamed = captions.start(audio, "twice", null);
        Path photo = Path.of("src/test/resources/fixtures/face_astronaut.png");
        LipSyncEngine engine = new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages(), FaceModelsForTests.visemes());
        SyncResult a = engine.sync(audio, photo, tmp.resolve("streamed.mp4"), null, streamed);

        // the same words aligned after the fact (Vosk itself gives slightly other times on another run of the same audio:
        // word ends 10-30 ms apart, confidences 0.69-0.73, seen here)
        io.lipdrop.lipsync.asr.Transcript words = new io.lipdrop.lipsync.asr.Transcript(streamed.words(), 0, twice.length / 16000.0, 0, 0);
        PhoneTiming whole = SpeechForTests.aligner().align(audio, words, "vosk-en", () -> false);
        PhoneTiming heard = streamed.timing().orElseThrow();
        System.out.printf("%d phonemes, %d words aligned, %d left to the loop; speech waits %.2f s of a %.2f s job%n",
                heard.phones().size(), heard.wordsAligned(), heard.wordsRejected(), a.stageSeconds().get("speech"), a.wallSeconds());
        assertTrue(heard.phones().size() > 100, "phonemes over 15 s of speech: " + heard.phones().size());
        for (int i = 0; i < Math.min(whole.phones().size(), heard.phones().size()); i++) {
            if (!whole.phones().get(i).equals(heard.phones().get(i))) {
                System.out.println("first difference at " + i + ": " + whole.phones().subList(Math.max(0, i - 3), Math.min(whole.phones().size(), i + 4))
                        + "\n vs " + heard.phones().subList(Math.max(0, i - 3), Math.min(heard.phones().size(), i + 4)));
                break;
            }
        }
        assertEquals(whole.phones(), heard.phones());
        assertEquals(whole.wordsAligned(), heard.wordsAligned());

        SyncResult b = engine.sync(audio, photo, tmp.resolve("whole.mp4"), null, () -> Optional.of(whole));
        assertEquals(a.method().get("targetShares"), b.method().get("targetShares"));
        List<Mat> x = TestMedia.frames(tmp.resolve("streamed.mp4")), y = TestMedia.frames(tmp.resolve("whole.mp4"));
        assertEquals(x.size(), y.size());
        for (int i = 0; i < x.size(); i++) {
            Mat d = new Mat();
            opencv_core.absdiff(x.get(i), y.get(i), d);
            assertEquals(0, opencv_core.countNonZero(d.reshape(1, 0)), "frame " + i + " differs");
        }
    }
}
