package io.lipdrop.bench;

import io.lipdrop.Settings;
import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.asr.SpeechModel;
import io.lipdrop.lipsync.asr.SpeechModelStore;
import io.lipdrop.lipsync.asr.SpeechRecognizer;
import io.lipdrop.lipsync.asr.Transcript;

import java.nio.file.Path;

/**
 * {@code bench captions AUDIO}: what the captions' speech recogniser costs a job (it runs on its own thread beside
 * the picture stages): the recognition of AUDIO, in wall and CPU seconds per minute of audio, with the words it kept.
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
        Transcript heard = SpeechRecognizer.of(m).recognise(audio);
        double minutes = heard.audioSeconds() / 60;
        System.out.printf("captions: %.1f s of audio recognised in %.1f s (%.1f s a minute), %.1f CPU s a minute, %d words%n",
                heard.audioSeconds(), heard.wallSeconds(), heard.wallSeconds() / Math.max(1e-9, minutes),
                heard.cpuSecondsPerMinute(), heard.words().size());
        return 0;
    }
}
