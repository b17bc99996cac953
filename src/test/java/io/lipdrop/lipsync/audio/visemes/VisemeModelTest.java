package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.lipsync.audio.visemes.VisemeModel.InvalidModelException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HeadAudio's model file: what it holds, and clear errors for files that are something else. */
class VisemeModelTest {
    static Path file;
    static byte[] bytes;
    static VisemeModel model;

    @BeforeAll
    static void load() throws Exception {
        if (!HeadAudioPackage.runs("npm", "--version")) return; // the tests that need it say so
        file = HeadAudioPackage.modelFile();
        bytes = Files.readAllBytes(file);
        model = VisemeModel.load(file);
    }

    private static void needsThePackage() {
        Assumptions.assumeTrue(model != null, "npm is not installed: the HeadAudio package cannot be fetched");
    }

    /**
     * A model in the package's format made here: one prototype per viseme, mu all {@code v / 20} for viseme v,
     * Sigma^-1 the identity; prototype 5 is the two-letter phoneme "tS".
     */
    static byte[] synthetic() {
        ByteBuffer b = ByteBuffer.allocate(15 * VisemeModel.RECORD_BYTES);
        for (int v = 0; v < 15; v++) {
            int at = v * VisemeModel.RECORD_BYTES;
            b.order(ByteOrder.BIG_ENDIAN).putInt(at, v == 5 ? ('t' << 16) | 'S' : ('a' + v) << 16);
            b.put(at + 7, (byte) v);
            b.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 12; i++) b.putFloat(at + 8 + 4 * i, v / 20f);
            int k = 0;
            for (int i = 0; i < 12; i++) {
                for (int j = 0; j <= i; j++, k++) b.putFloat(at + 56 + 4 * k, i == j ? 1f : 0f);
            }
        }
        return b.array();
    }

    @Test
    void readsTheFormat() throws Exception {
        VisemeModel m = VisemeModel.parse(synthetic(), "synthetic.bin");
        assertEquals(15, m.prototypes());
        assertEquals("tS", m.phoneme(5));
        assertEquals("c", m.phoneme(2));
        float[] x = new float[12];
        java.util.Arrays.fill(x, 0.5f);
        double[] d = m.distances(x);
        // identity Sigma^-1: the squared Euclidean distance; the silence prototype's divided by 1.2
        assertEquals(12 * Math.pow(0.5 - 3 / 20.0, 2), d[3], 1e-5);
        assertEquals(12 * Math.pow(0.5 - 14 / 20.0, 2) / 1.2, d[14], 1e-5);
        assertArrayEquals(d, m.visemeDistances(x), 1e-12);
        float[] p = VisemeClassifier.posterior(d);
        assertEquals(1, p[10] + p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7] + p[8] + p[9] + p[11] + p[12] + p[13] + p[14], 1e-6);
        assertEquals(Math.exp(-(d[9] - d[10]) / 2), p[9] / p[10], 1e-5);
    }

    @Test
    void theVisemesAreInTheModelsOrder() {
        assertEquals(List.of("aa", "E", "ih", "oh", "ou", "PP", "SS", "TH", "DD", "FF", "kk", "nn", "RR", "CH", "sil"),
                VisemeClassifier.VISEMES);
        assertEquals(14, VisemeClassifier.SIL);
    }

    @Test
    void readsThe39PrototypesOfModelEnMixed() {
        needsThePackage();
        assertEquals(14_352, bytes.length);
        assertEquals(39, model.prototypes());
        // aa 3, E 4, ih 5, oh 2, ou 4, PP 3 (b m p), SS 3, TH 2, DD 2, FF 2, kk 2, nn 2, RR 2, CH 2, sil 1
        assertArrayEquals(new int[] {3, 4, 5, 2, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2, 1}, model.prototypesPerViseme());
        assertEquals("ð", model.phoneme(0));
        assertEquals(VisemeClassifier.VISEMES.indexOf("TH"), model.viseme(0));
        assertEquals("ɑ", model.phoneme(13));
        assertEquals(0, model.viseme(13));
        assertEquals("b", model.phoneme(2));
        assertEquals(VisemeClassifier.VISEMES.indexOf("PP"), model.viseme(2));
        assertEquals("s1", model.phoneme(38)); // two UTF-16 units
        assertEquals(VisemeClassifier.SIL, model.viseme(38));
        assertTrue(model.toString().contains("39 prototypes (aa 3, E 4, ih 5"), model::toString);
    }

    @Test
    void silenceIsNearestToTheSilencePrototype() {
        needsThePackage();
        // digital silence: every mel band at the floor, so every cepstral coefficient (and its tanh) is 0
        double[] d = model.visemeDistances(new float[12]);
        int best = 0;
        for (int v = 1; v < d.length; v++) if (d[v] < d[best]) best = v;
        assertEquals(VisemeClassifier.SIL, best);
        // the most probable, though not by far: several speech prototypes have means near 0 too (which is why
        // the package leaves silence to its voice-activity gate)
        float[] p = VisemeClassifier.posterior(d);
        for (int v = 0; v < p.length; v++) assertTrue(p[v] <= p[VisemeClassifier.SIL], VisemeClassifier.VISEMES.get(v));
    }

    @Test
    void aFileThatIsNotAModelIsRefusedByName(@TempDir Path dir) throws Exception {
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertMessage(empty, "is not a HeadAudio viseme model", "the file is empty");

        Path text = Files.writeString(dir.resolve("notes.bin"), "this is a text file, not prototypes\n");
        assertMessage(text, text + " is not a HeadAudio viseme model", "36 bytes is not a whole number of records");

        byte[] good = synthetic();
        Path cut = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(good, good.length - 100));
        assertMessage(cut, "5420 bytes is not a whole number of records");

        byte[] badViseme = good.clone();
        badViseme[368 * 5 + 7] = 15;
        assertMessage(Files.write(dir.resolve("viseme.bin"), badViseme), "record 5 (phoneme 'tS', byte 1840) has viseme id 15, not 0..14");

        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(368 * 2 + 8 + 4 * 3, Float.NaN);
        assertMessage(Files.write(dir.resolve("nan.bin"), nan), "record 2 (phoneme 'c', byte 736) has NaN in mu");

        byte[] notPd = good.clone();
        // the first diagonal element of Sigma^-1 negative
        ByteBuffer.wrap(notPd).order(ByteOrder.LITTLE_ENDIAN).putFloat(368 * 3 + 56, -1f);
        assertMessage(Files.write(dir.resolve("notpd.bin"), notPd), "record 3", "not positive definite");

        Path missing = dir.resolve("missing.bin");
        Exception e = assertThrows(java.io.IOException.class, () -> VisemeModel.load(missing));
        assertTrue(e.getMessage().contains("cannot read the viseme model " + missing), e.getMessage());
    }

    private static void assertMessage(Path file, String... parts) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> VisemeModel.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String part : parts) assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
