package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.asr.PhoneTiming;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.SpeechForTests;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Lips close on p, b and m and open on every syllable: a train of "ba", "ma", "pa" at 2.5 syllables a second, each
 * syllable synthesized alone by Debian's flite or espeak-ng (so every onset time is known: where the test placed it), drives a
 * photo (the photo warp) and a real talking presenter (the mouth library), and the face mesh measures the inner-lip
 * opening (eye spans) on every output frame. Around each onset the lips must close (mean at most 0.03, or within 0.01
 * of the presenter's own closed mouth, which is measured and printed); after it they must open.
 */
class SyllableClosureTest {
    static final double RATE = 2.5, LEAD_IN = 0.6;
    static final String[] SYLLABLES = {"ba", "ma", "pa"};
    static final int COUNT = 15;
    static final Path REAL = MouthMethodTest.REAL;

    @TempDir
    Path tmp;

    /** The train and its onsets (seconds): each syllable trimmed to its sound and placed at LEAD_IN + k / RATE. */
    record Train(Path wav, double[] onsets, double rate) {}

    Train train(String voice) throws Exception {
        return train(voice, RATE);
    }

    /** @param rate syllables a second: above about 3 the gaps between them are shorter than a pause (0.12 s) */
    Train train(String voice, double rate) throws Exception {
        float[][] sounds = new float[SYLLABLES.length][];
        for (int s = 0; s < SYLLABLES.length; s++) {
            Path wav = tmp.resolve(voice + "-" + SYLLABLES[s] + ".wav");
            List<String> command = voice.equals("espeak-ng") ? List.of("espeak-ng", "-v", "en-us", "-w", wav.toString(), SYLLABLES[s])
                    : List.of("flite", "-voice", voice, "-t", SYLLABLES[s], "-o", wav.toString());
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                assumeTrue(false, command.get(0) + " is not installed");
                return null;
            }
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            assumeTrue(p.waitFor() == 0 && Files.size(wav) > 1000, command.get(0) + " failed");
            sounds[s] = trim(new AudioDecoder().decodeMono16k(wav));
        }
        int total = (int) ((LEAD_IN + COUNT / rate + 0.8) * 16000);
        float[] pcm = new float[total];
        double[] onsets = new double[COUNT];
        for (int k = 0; k < COUNT; k++) {
            onsets[k] = LEAD_IN + k / rate;
            float[] s = sounds[k % SYLLABLES.length];
            int at = (int) Math.round(onsets[k] * 16000);
            System.arraycopy(s, 0, pcm, at, Math.min(s.length, pcm.length - at));
        }
        return new Train(TestMedia.wav(tmp.resolve(voice + "-train.wav"), pcm, 1), onsets, rate);
    }

    /** The syllable from its first to its last sample above -40 dBFS (its closure's silence is not sound: the onset is the voicing or burst). */
    static float[] trim(float[] pcm) {
        int a = 0, b = pcm.length - 1;
        while (a < b && Math.abs(pcm[a]) < 0.01f) a++;
        while (b > a && Math.abs(pcm[b]) < 0.01f) b--;
        return Arrays.copyOfRange(pcm, a, b + 1);
    }

    record Figures(double openClose, double atOnsets, double peak, double closedLevel) {}

    Figures run(Path template, String name, Train train) throws Exception {
        PhoneTiming timing = SpeechForTests.timing(train.wav());
        System.out.println(name + ": phonemes of the first syllables: " + timing.phones().stream().filter(p -> p.start() < LEAD_IN + 3 / RATE)
                .map(p -> String.format("%s%s %.2f-%.2f", p.inWord() ? "" : "~", p.name(), p.start(), p.end())).toList());
        Path out = tmp.resolve(name + ".mp4");
        SyncResult r = new LipSyncEngine(null, EngineSettings.defaults(), FaceModelsForTests.stages(), FaceModelsForTests.visemes())
                .sync(train.wav(), template, out, null, () -> Optional.of(timing));
        double[] opening = MouthMeasure.openings(MouthMeasure.measured(out));
        double[] own = MouthMeasure.openings(MouthMeasure.measured(template));
        // the presenter's closed mouth: the template's own (its 5th percentile; a smiling photo has none), or the output's
        // lips at rest in the lead-in silence, whichever is lower
        double fromTemplate = Arrays.stream(own).filter(v -> !Double.isNaN(v)).sorted().skip(own.length / 20).findFirst().orElse(Double.NaN);
        double rest = median(Arrays.copyOfRange(opening, (int) (0.1 * r.fps()), (int) ((LEAD_IN - 0.15) * r.fps())));
        double closed = Math.min(fromTemplate, rest);
        double fps = r.fps();
        int visible = 0;
        double closures = 0, peaks = 0;
        List<String> rows = new ArrayList<>();
        for (int k = 0; k < train.onsets().length; k++) {
            double o = train.onsets()[k];
            double shut = extreme(opening, fps, o - 0.10, o + 0.02, false);
            double open = extreme(opening, fps, o + 0.04, o + 1 / train.rate() - 0.06, true);
            closures += shut;
            peaks += open;
            if (open - shut >= 0.05) visible++;
            rows.add(String.format("%.2f s %s: closed %.3f, open %.3f", o, SYLLABLES[k % 3], shut, open));
        }
        int n = train.onsets().length;
        Figures f = new Figures(visible / (double) n, closures / n, peaks / n, closed);
        System.out.printf("%s (%s, targets %s %s): %.0f %% of syllables open and close, mean opening at the b/m/p onsets %.3f, "
                        + "mean peak %.3f; the presenter's own closed mouth %.3f (template %.3f, at rest in the output %.3f)%n  %s%n",
                name, r.method().get("name"), r.method().get("targets"), r.method().get("targetShares"), 100 * f.openClose(),
                f.atOnsets(), f.peak(), closed, fromTemplate, rest,
                String.join("\n  ", rows));
        return f;
    }

    static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }

    /** The smallest (or largest) opening over the frames shown between {@code from} and {@code to} seconds. */
    static double extreme(double[] opening, double fps, double from, double to, boolean max) {
        double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int i = (int) Math.floor(from * fps); i <= (int) Math.ceil(to * fps); i++) {
            if (i < 0 || i >= opening.length || Double.isNaN(opening[i])) continue;
            double t = (i + 0.5) / fps;
            if (t < from || t > to) continue;
            best = max ? Math.max(best, opening[i]) : Math.min(best, opening[i]);
        }
        return best;
    }

    static void check(Figures f, String who, double openClose) {
        assertTrue(f.openClose() >= openClose, who + ": " + 100 * f.openClose() + " % of syllables open and close");
        assertTrue(f.atOnsets() <= 0.03 || f.atOnsets() <= f.closedLevel() + 0.01,
                who + ": mean opening at the onsets " + f.atOnsets() + " (own closed mouth " + f.closedLevel() + ")");
    }

    @Test
    void aPhotoClosesOnEveryBilabialAndOpensOnEverySyllable() throws Exception {
        Train train = train("kal");
        Path photo = Path.of("src/test/resources/fixtures/face_astronaut.png");
        check(run(photo, "photo", train), "photo", 0.95);
    }

    /**
     * The same with espeak-ng's syllables: its formant voice is far from what the acoustic model learnt (the phoneme
     * loop hears its "b" as "l" and its "ma" as "m er"), so here the closures come mostly from the pauses between the
     * syllables, which close the mouth.
     */
    @Test
    void espeakNgsSyllablesToo() throws Exception {
        check(run(Path.of("src/test/resources/fixtures/face_astronaut.png"), "photo, espeak-ng", train("espeak-ng")), "photo, espeak-ng", 0.95);
    }

    @Test
    void aTalkingPresenterClosesOnEveryBilabialAndOpensOnEverySyllable() throws Exception {
        Path news = REAL.resolve("sadtalker__WDA_AlexandriaOcasioCortez_000.mp4");
        assumeTrue(Files.isRegularFile(news), "../shared/media/real is not here");
        check(run(news, "news presenter", train("kal")), "news presenter", 0.95);
    }
}
