package io.lipdrop.testing;

import io.lipdrop.lipsync.HeardSpeech;
import io.lipdrop.lipsync.asr.MavenRepository;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.lipsync.asr.PhoneAligner;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.lipsync.asr.SpeechModel;
import io.lipdrop.lipsync.asr.SpeechModelStore;
import io.lipdrop.lipsync.asr.SpeechRecognizer;
import io.lipdrop.lipsync.asr.Transcript;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real speech recogniser and phoneme aligner on the models the build fetched into the installation's models/. */
public final class SpeechForTests {
    private SpeechForTests() {}

    private static SpeechModel model(ModelArchive a) {
        Path dir = Path.of(System.getProperty("lipdrop.app", ".")).resolve("models").resolve(a.folder());
        SpeechModel m = new SpeechModelStore(a, MavenRepository.of(null), dir).ensure(true);
        assertTrue(m.available(), "the build fetches the " + a.what() + ": " + m);
        return m;
    }

    public static synchronized SpeechRecognizer recognizer() {
        return SpeechRecognizer.of(model(ModelArchive.VOSK_EN));
    }

    public static synchronized PhoneAligner aligner() {
        return PhoneAligner.of(model(ModelArchive.PHONES_EN));
    }

    /** The words and phonemes of {@code audio}, as a job hears them. */
    public static PhoneTiming timing(Path audio) {
        Transcript words = recognizer().recognise(audio);
        return aligner().align(audio, words, recognizer().name(), () -> false);
    }

    public static HeardSpeech heard(Path audio) {
        PhoneTiming t = timing(audio);
        return () -> Optional.of(t);
    }
}
