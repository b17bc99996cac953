package io.lipdrop.lipsync.asr;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.captions.Captions;
import io.lipdrop.lipsync.captions.Cue;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real recogniser (Vosk and its English model, fetched as the service fetches it) on speech whose words are known:
 * sentences synthesized here with Debian's flite and espeak-ng (.ci/run installs both; elsewhere a missing one skips
 * its part), noise, music and silence made here, and the English fixture. Prints the word error rate per clip and the
 * cost in CPU seconds per minute of audio.
 */
class SpeechRecognizerTest {
    static final String SCRIPT = "Good morning and welcome to our weekly update. Today we will look at the new features in the app. "
            + "First, the home page is faster and easier to read. Second, you can now share a video with one click. "
            + "We tested these changes with many people, and they liked them. Thank you for watching, and see you next week.";

    static SpeechRecognizer recognizer;

    @TempDir
    Path tmp;

    @BeforeAll
    static void model() {
        Path app = Path.of(System.getProperty("lipdrop.app", ".")).resolve("models").resolve("asr").resolve("en");
        SpeechModel m = new SpeechModelStore(MavenRepository.of(null), app).ensure(true);
        assertTrue(m.available(), "the build fetches the speech model: " + m);
        recognizer = SpeechRecognizer.of(m);
    }

    @Test
    void wordErrorRateOnSynthesizedSentences() throws Exception {
        Path text = Files.writeString(tmp.resolve("script.txt"), SCRIPT);
        List<String> reference = normalised(SCRIPT);
        double flite = 0;
        int fliteClips = 0;
        for (String voice : List.of("slt", "rms")) {
            Path wav = synthesize(List.of("flite", "-voice", voice, "-f", text.toString(), "-o"), tmp.resolve("flite-" + voice + ".wav"));
            if (wav == null) continue;
            double wer = report("flite " + voice, recognizer.recognise(wav), reference);
            flite += wer;
            fliteClips++;
        }
        Path espeak = synthesize(List.of("espeak-ng", "-v", "en-us", "-f", text.toString(), "-w"), tmp.resolve("espeak.wav"));
        if (espeak != null) {
            // espeak-ng's formant voice is far from the speech Vosk was trained on: 24 % here when this was written
            // ("look at him a", "of a deal" for "a video"); a bound that catches a broken recogniser, not the target
            double wer = report("espeak-ng en-us", recognizer.recognise(espeak), reference);
            assertTrue(wer <= 0.40, "espeak-ng WER " + pct(wer));
        }
        assumeTrue(fliteClips > 0, "flite is not installed");
        assertTrue(flite / fliteClips <= 0.15, "mean WER on flite's voices " + pct(flite / fliteClips) + " is above 15 %");
    }

    @Test
    void cuesFallInsideTheSpeechAndEndAtItsPauses() throws Exception {
        Path text = Files.writeString(tmp.resolve("a.txt"), "Good morning and welcome to our weekly update.");
        Path a = synthesize(List.of("flite", "-voice", "slt", "-f", text.toString(), "-o"), tmp.resolve("a.wav"));
        assumeTrue(a != null, "flite is not installed");
        Files.writeString(text, "Thank you for watching, and see you next week.");
        Path b = synthesize(List.of("flite", "-voice", "slt", "-f", text.toString(), "-o"), tmp.resolve("b.wav"));
        AudioDecoder decoder = new AudioDecoder();
        float[] first = voiced(decoder.decodeMono16k(a)), second = voiced(decoder.decodeMono16k(b));
        // 1.5 s of silence, the first sentence, 2.5 s of silence, the second, 1.5 s of silence
        float[] pcm = new float[24_000 + first.length + 40_000 + second.length + 24_000];
        System.arraycopy(first, 0, pcm, 24_000, first.length);
        int secondAt = 24_000 + first.length + 40_000;
        System.arraycopy(second, 0, pcm, secondAt, second.length);
        double[][] speech = {{1.5, 1.5 + first.length / 16000.0}, {secondAt / 16000.0, (secondAt + second.length) / 16000.0}};
        Transcript t = recognizer.recognise(TestMedia.wav(tmp.resolve("two.wav"), pcm, 1));
        List<Cue> cues = Captions.cues(t.words());
        System.out.printf("cues: %s%n speech at %s%n", cues, Arrays.deepToString(speech));
        assertTrue(cues.size() >= 2, "a cue for each sentence");
        boolean[] heard = new boolean[2];
        for (Cue c : cues) {
            int in = -1;
            for (int s = 0; s < 2; s++) {
                // Vosk's word times are in 10 ms frames (30 ms after subsampling): a frame either side
                if (c.start() >= speech[s][0] - 0.06 && c.end() <= speech[s][1] + 0.06) in = s;
            }
            assertTrue(in >= 0, c + " is not inside one stretch of speech " + Arrays.deepToString(speech));
            heard[in] = true;
        }
        assertTrue(heard[0] && heard[1], "both sentences are captioned");
    }

    @Test
    void noiseMusicAndSilenceGiveNoWords() throws Exception {
        Random random = new Random(7);
        int n = 16_000 * 6;
        float[] white = new float[n], pink = new float[n], hiss = new float[n], music = new float[n], silence = new float[n];
        double p0 = 0, p1 = 0, p2 = 0;
        for (int i = 0; i < n; i++) {
            double w = random.nextGaussian();
            white[i] = (float) (0.1 * w);
            // Paul Kellet's economy pink filter
            p0 = 0.99765 * p0 + w * 0.0990460;
            p1 = 0.96300 * p1 + w * 0.2965164;
            p2 = 0.57000 * p2 + w * 1.0526913;
            pink[i] = (float) (0.08 * (p0 + p1 + p2 + w * 0.1848));
            hiss[i] = (float) (0.001 * w); // -60 dBFS
            // a melody of a quarter second a note over two voices, and a drum on every half second
            double t = i / 16000.0;
            double[] scale = {220, 247, 262, 294, 330, 349, 392, 440};
            double f = scale[(int) (t * 4) * 3 % scale.length];
            double tone = 0.25 * Math.sin(2 * Math.PI * f * t) + 0.12 * Math.sin(4 * Math.PI * f * t) + 0.15 * Math.sin(2 * Math.PI * f * 1.26 * t);
            double drum = random.nextGaussian() * 0.3 * Math.exp(-(t % 0.5) * 30);
            music[i] = (float) (0.8 * (tone * (0.6 + 0.4 * Math.exp(-(t % 0.25) * 8)) + drum));
        }
        String[] names = {"white noise", "pink noise", "hiss at -60 dBFS", "music", "silence"};
        float[][] clips = {white, pink, hiss, music, silence};
        List<String> heard = new ArrayList<>();
        for (int c = 0; c < clips.length; c++) {
            Transcript t = recognizer.recognise(TestMedia.wav(tmp.resolve(c + ".wav"), clips[c], 1));
            System.out.printf("%s: %d words kept, %d left out, %.1f CPU s/min%n", names[c], t.words().size(), t.dropped(), t.cpuSecondsPerMinute());
            if (t.recognised()) heard.add(names[c] + ": " + t.text());
        }
        assertEquals(List.of(), heard, "no invented words");
    }

    @Test
    void theEnglishFixtureAndRealSpeech() throws Exception {
        List<Path> clips = new ArrayList<>(List.of(Path.of("src/test/resources/fixtures/speech_en_16k.wav")));
        Path real = Path.of("../shared/media/real/latentsync__demo1_audio.wav");
        if (!Files.isRegularFile(real)) real = Path.of("/work/shared/media/real/latentsync__demo1_audio.wav");
        if (Files.isRegularFile(real)) clips.add(real);
        for (Path clip : clips) {
            Transcript t = recognizer.recognise(clip);
            System.out.printf(Locale.ROOT, "%s: %.1f s of audio, %d words (%d left out) in %.2f s, %.1f CPU s per minute of audio: %s%n",
                    clip.getFileName(), t.audioSeconds(), t.words().size(), t.dropped(), t.wallSeconds(), t.cpuSecondsPerMinute(), t.text());
            assertTrue(t.recognised(), clip + " is speech");
            for (Word w : t.words()) assertTrue(w.start() >= 0 && w.end() <= t.audioSeconds() + 0.05 && w.start() < w.end(), w.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Runs the synthesizer with the output file as its last argument; null when it is not installed (and not on CI). */
    static Path synthesize(List<String> command, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(command);
        cmd.add(out.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor(), String.join(" ", cmd));
            return out;
        } catch (java.io.IOException notInstalled) {
            if ("true".equals(System.getenv("CI"))) fail(command.get(0) + " is missing: .ci/run installs it", notInstalled);
            System.out.println(command.get(0) + " is not installed: its part is skipped");
            return null;
        }
    }

    /** The clip without the synthesizer's own silence before and after (samples above -46 dBFS). */
    static float[] voiced(float[] pcm) {
        int first = 0, last = pcm.length - 1;
        while (first < last && Math.abs(pcm[first]) < 0.005f) first++;
        while (last > first && Math.abs(pcm[last]) < 0.005f) last--;
        return Arrays.copyOfRange(pcm, first, last + 1);
    }

    static double report(String clip, Transcript t, List<String> reference) {
        double wer = wordErrorRate(reference, normalised(t.text()));
        System.out.printf(Locale.ROOT, "%s: WER %s (%d reference words), %.1f s of audio in %.2f s, %.1f CPU s per minute of audio%n  heard: %s%n",
                clip, pct(wer), reference.size(), t.audioSeconds(), t.wallSeconds(), t.cpuSecondsPerMinute(), t.text());
        return wer;
    }

    static List<String> normalised(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** (substitutions + deletions + insertions) / reference words, by edit distance over words. */
    static double wordErrorRate(List<String> ref, List<String> hyp) {
        int[][] d = new int[ref.size() + 1][hyp.size() + 1];
        for (int i = 0; i <= ref.size(); i++) d[i][0] = i;
        for (int j = 0; j <= hyp.size(); j++) d[0][j] = j;
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= hyp.size(); j++) {
                int sub = d[i - 1][j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
                d[i][j] = Math.min(sub, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
            }
        }
        return d[ref.size()][hyp.size()] / (double) ref.size();
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v * 100);
    }
}
