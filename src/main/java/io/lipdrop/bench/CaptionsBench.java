package io.lipdrop.bench;

import io.lipdrop.Settings;
import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.lipsync.asr.PhoneAligner;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.lipsync.asr.SpeechModel;
import io.lipdrop.lipsync.asr.SpeechModelStore;
import io.lipdrop.lipsync.asr.SpeechRecognizer;
import io.lipdrop.lipsync.asr.Transcript;

import java.nio.file.Path;

/**
 * {@code bench captions AUDIO}: what the captions' speech recogniser costs a job (it runs on its own thread beside
 * the picture stages): the recognition of AUDIO, in wall and CPU seconds per minute of audio, with the words it kept, and
 * the phoneme aligner's cost after it.
 */
final class CaptionsBench {
    private CaptionsBench() {}

    static int run(Settings s, Path audio) {
        MediaLibraries.init();
        SpeechModel m = SpeechModelStore.from(s.folder("models"), s.get("lipdrop.maven.repository")).ensure(true);
        if (!m.available()) {
            System.err.println(m.warning());
            return 1;
        }
        SpeechRecognizer recognizer = SpeechRecognizer.of(m);
        Transcript heard = recognizer.recognise(audio);
        double minutes = heard.audioSeconds() / 60;
        System.out.printf("captions: %.1f s of audio recognised in %.1f s (%.1f s a minute), %.1f CPU s a minute, %d words%n",
                heard.audioSeconds(), heard.wallSeconds(), heard.wallSeconds() / Math.max(1e-9, minutes),
                heard.cpuSecondsPerMinute(), heard.words().size());
        // the phonemes' aligner runs after the recogniser on the same thread: the mouths wait for both
        SpeechModel phonemes = SpeechModelStore.from(ModelArchive.PHONES_EN, s.folder("models"), s.get("lipdrop.maven.repository")).ensure(true);
        if (!phonemes.available()) {
            System.err.println(phonemes.warning());
            return 0;
        }
        PhoneAligner aligner = PhoneAligner.of(phonemes);
        aligner.align(audio, heard, recognizer.name(), () -> false); // the model's load and the JIT's warm-up are not the cost
        long t0 = System.nanoTime();
        PhoneTiming t = aligner.align(audio, heard, recognizer.name(), () -> false);
        System.out.printf("phonemes: %.1f s of audio aligned in %.1f s, %.1f CPU s a minute, %d words aligned, %d left to the phoneme loop%n",
                t.audioSeconds(), (System.nanoTime() - t0) / 1e9, t.cpuSecondsPerMinute(), t.wordsAligned(), t.wordsRejected());
        return 0;
    }
}
