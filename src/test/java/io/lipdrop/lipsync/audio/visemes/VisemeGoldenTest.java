package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.lipsync.audio.visemes.VisemeClassifier.Gate;
import io.lipdrop.lipsync.audio.visemes.VisemeFeatures.Features;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java classifier against the npm package {@code @met4citizen/headaudio} 0.1.0 itself: node runs the package's
 * own modules ({@code src/test/resources/visemes/headaudio-golden.mjs}) on the same PCM, the English speech fixture
 * as LipDrop decodes it (10 s, 625 hops, 250 frames at 25 fps). Measured agreement with the package as published
 * (float32 arrays): log energy 3e-7, features 4.4e-5, distances 1.5e-5 (relative), per-frame probabilities 3.9e-6,
 * the same gate decision on every hop and the same most probable viseme on every frame; with the package run on
 * float64 arrays the features agree to 9e-6 and the probabilities to 7e-7 (what is left is float32 output).
 * The test allows about ten times those figures.
 */
class VisemeGoldenTest {
    static final double FPS = 25;

    @TempDir
    static Path tmp;
    static Path pkg;
    static VisemeClassifier classifier;
    static float[] pcm;
    static int frames;
    static Js float32;
    static Js float64;

    /**
     * One run of the package.
     *
     * @param hops   per hop: hop, t, le, gate, 12 features, one distance per prototype, its own real-time decision
     * @param frames per video frame: frame, 15 probabilities
     */
    record Js(List<double[]> hops, List<double[]> frames) {}

    @BeforeAll
    static void runThePackage() throws Exception {
        pkg = HeadAudioPackage.unpacked();
        Assumptions.assumeTrue(HeadAudioPackage.runs("node", "--version"), "node is not installed");
        classifier = VisemeClassifier.load(HeadAudioPackage.modelFile());
        pcm = HeadAudioPackage.speech();
        frames = (int) Math.ceil(pcm.length / 16000.0 * FPS);
        Path raw = tmp.resolve("speech.f32");
        HeadAudioPackage.writeFloats(raw, pcm);
        float32 = node(raw, false);
        float64 = node(raw, true);
    }

    private static Js node(Path raw, boolean f64) throws Exception {
        Path hops = tmp.resolve(f64 ? "hops64.csv" : "hops.csv");
        List<String> cmd = new ArrayList<>(List.of("node", HeadAudioPackage.driver().toString(), pkg.toString(), raw.toString(),
                String.valueOf(FPS), String.valueOf(frames), String.valueOf(VisemeClassifier.TAIL_PADDING), hops.toString()));
        if (f64) cmd.add("--f64");
        HeadAudioPackage.Run r = HeadAudioPackage.run(tmp, cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> "the package's run failed: " + r.output());
        return new Js(HeadAudioPackage.csv(Files.readString(hops)), HeadAudioPackage.csv(r.stdout()));
    }

    @Test
    void theModelIsThePackagesAndItsGateIsTheDefault() throws Exception {
        assertEquals(VisemeModelStore.MODEL.sha256(), HeadAudioPackage.sha256(Files.readAllBytes(HeadAudioPackage.modelFile())));
        assertEquals(Gate.HEADAUDIO, classifier.gate());
    }

    @Test
    void hopsFeaturesGateAndDistancesMatchThePackage() {
        Features f = classifier.processInput(pcm);
        double[][] distances = new double[f.hops()][];
        for (int h = 0; h < f.hops(); h++) distances[h] = classifier.model().distances(f.vectors()[h]);
        Agreement a32 = agreement(f, distances, float32.hops());
        Agreement a64 = agreement(f, distances, float64.hops());
        System.out.println("per hop, against the package (float32): " + a32);
        System.out.println("per hop, against the package run on float64: " + a64);
        for (Agreement a : List.of(a32, a64)) {
            assertEquals(0, a.gate(), a::toString);
            assertTrue(a.logEnergy() < 3e-6, a::toString);
            assertTrue(a.distance() < 2e-4, a::toString);
        }
        assertTrue(a32.feature() < 5e-4, a32::toString);
        assertTrue(a64.feature() < 1e-4, a64::toString);
        // every real-time decision of the package is our most probable viseme put through its 6-hop majority vote
        assertTrue(a32.decided() > 400, a32::toString);
        assertEquals(a32.decided(), a32.decisions(), a32::toString);
    }

    /**
     * Largest differences per hop, the hops the gate decides differently, and how often the package's own
     * real-time choice is what its classifier's majority vote (modules/classifier.mjs: the nearest prototype's
     * viseme of each speech hop into a ring of the last 6, "sil" at first; the most frequent wins, a tie going to
     * the higher id) makes of our most probable viseme per hop.
     */
    record Agreement(int hops, double logEnergy, double feature, double distance, int gate, int decided, int decisions) {
        @Override
        public String toString() {
            return String.format("%d hops: log energy %.1e, features %.1e, distances %.1e (relative), gate differs on %d, "
                    + "the package's own real-time choice is the vote over our most probable visemes on %d of the %d hops it decides",
                    hops, logEnergy, feature, distance, gate, decisions, decided);
        }
    }

    private static Agreement agreement(Features f, double[][] distances, List<double[]> js) {
        int n = classifier.model().prototypes();
        assertEquals(js.size(), f.hops(), "hops");
        float[][] ours = classifier.perHop(pcm);
        boolean[] speech = VisemeClassifier.speech(f.logEnergy(), Gate.HEADAUDIO);
        double le = 0, feature = 0, dist = 0;
        int gate = 0, decided = 0, same = 0;
        int[] ring = new int[6];
        java.util.Arrays.fill(ring, VisemeClassifier.SIL);
        int next = 0, voted = VisemeClassifier.SIL;
        for (int h = 0; h < f.hops(); h++) {
            if (speech[h]) {
                ring[next] = argmax(ours[h]);
                next = (next + 1) % ring.length;
                int[] count = new int[15];
                for (int v : ring) count[v]++;
                voted = 0;
                for (int v = 1; v < 15; v++) if (count[v] >= count[voted]) voted = v;
            }
            double[] row = js.get(h);
            assertEquals(16 + n + 1, row.length, "columns");
            // the package's own time stamp, less its low-pass delay and half a sample, is our centre
            assertEquals(Features.centreSeconds(h), row[1] - 16.0 / 16000, 1e-9, "centre of hop " + h);
            le = Math.max(le, Math.abs(row[2] - f.logEnergy()[h]));
            if ((row[3] == 1) != speech[h]) gate++;
            for (int i = 0; i < 12; i++) feature = Math.max(feature, Math.abs(row[4 + i] - f.vectors()[h][i]));
            for (int p = 0; p < n; p++) {
                dist = Math.max(dist, Math.abs(row[16 + p] - distances[h][p]) / Math.max(1, Math.abs(row[16 + p])));
            }
            int own = (int) row[16 + n];
            if (own >= 0) {
                decided++;
                if (own == voted) same++;
            }
        }
        return new Agreement(f.hops(), le, feature, dist, gate, decided, same);
    }

    @Test
    void perFrameProbabilitiesMatchThePackage() {
        float[][] p = classifier.perFrame(pcm, FPS, frames);
        double d32 = compare("the package (float32)", p, float32.frames(), 4e-5);
        double d64 = compare("the package run on float64", p, float64.frames(), 1e-5);
        assertTrue(d64 <= d32 + 1e-6, "float64 agrees at least as well");
    }

    private static double compare(String what, float[][] p, List<double[]> js, double tolerance) {
        assertEquals(js.size(), p.length, "frames");
        double max = 0;
        int differ = 0;
        for (int i = 0; i < p.length; i++) {
            double[] row = js.get(i);
            assertEquals(i, (int) row[0]);
            double[] theirs = new double[15];
            for (int v = 0; v < 15; v++) {
                theirs[v] = row[1 + v];
                max = Math.max(max, Math.abs(p[i][v] - theirs[v]));
            }
            if (argmax(p[i]) != argmax(theirs)) differ++;
        }
        String m = String.format("per frame, against %s: %d frames at %.0f fps, probabilities differ by at most %.1e, "
                + "the most probable viseme differs on %d", what, p.length, FPS, max, differ);
        System.out.println(m);
        assertTrue(max < tolerance, m);
        assertEquals(0, differ, m);
        return max;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int v = 1; v < p.length; v++) if (p[v] > p[best]) best = v;
        return best;
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int v = 1; v < p.length; v++) if (p[v] > p[best]) best = v;
        return best;
    }
}
