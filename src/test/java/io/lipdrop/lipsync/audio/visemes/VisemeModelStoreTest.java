package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.Settings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viseme model from the real npm package, with the real npm client: fetch, verify, cache, do without. */
class VisemeModelStoreTest {
    private static final String NO_NPM = "/nonexistent/lipdrop-test/npm";

    @TempDir
    static Path shared;
    static Path fetched;
    static VisemeModels first;
    static int firstRuns;
    static List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void fetchOnce() {
        if (!HeadAudioPackage.runs("npm", "--version")) return; // the tests that need it say so
        fetched = shared.resolve("visemes");
        VisemeModelStore store = new VisemeModelStore(fetched).onProgress(progress::add);
        first = store.ensure(true);
        firstRuns = store.npmRuns();
    }

    @Test
    void fetchesTheModelWithNpmAndVerifiesIt() throws IOException {
        needsNpm();
        assertTrue(first.available(), first::toString);
        assertNull(first.reason());
        Path file = fetched.resolve("model-en-mixed.bin").toAbsolutePath();
        assertEquals(file, first.file().orElseThrow());
        assertEquals("0358f68989b5861f9b7d18871b010fa6cbf88a53bda4954a954d8c548bbcf251", first.sha256());
        assertEquals(first.sha256(), HeadAudioPackage.sha256(Files.readAllBytes(file)));
        assertEquals(39, first.classifier().orElseThrow().model().prototypes());
        assertEquals(2, firstRuns); // npm --version, npm pack
        assertEquals(List.of("model-en-mixed.bin"), names(fetched));
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("fetching viseme models model-en-mixed.bin with npm ")
                && l.endsWith("npm pack @met4citizen/headaudio@0.1.0")), progress::toString);
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("viseme model model-en-mixed.bin (MIT, from @met4citizen/headaudio@0.1.0)")),
                progress::toString);
        assertTrue(first.toString().contains("(model-en-mixed.bin (@met4citizen/headaudio@0.1.0), MIT, sha256 0358f689"), first::toString);
    }

    @Test
    void aCachedModelNeedsNoNpm() {
        needsNpm();
        VisemeModelStore offline = new VisemeModelStore(NO_NPM, fetched);
        VisemeModels again = offline.ensure(true);
        assertTrue(again.available(), again::toString);
        assertEquals(first.file(), again.file());
        assertEquals(0, offline.npmRuns());
    }

    @Test
    void aCorruptFileIsNotUsedAndIsReplaced(@TempDir Path dir) throws IOException {
        needsNpm();
        byte[] bytes = Files.readAllBytes(first.file().orElseThrow());
        bytes[1000] ^= 0x5a;
        Path file = dir.resolve("model-en-mixed.bin");
        Files.write(file, bytes);
        VisemeModelStore store = new VisemeModelStore(dir);
        VisemeModels without = store.ensure(false);
        assertFalse(without.available());
        assertTrue(without.classifier().isEmpty() && without.file().isEmpty());
        assertTrue(without.problem().contains("model-en-mixed.bin is not in " + dir), without.problem());
        assertTrue(without.problem().contains("is not the pinned file (SHA-256 "), without.problem());
        assertEquals(0, store.npmRuns());

        VisemeModels fixed = store.ensure(true);
        assertTrue(fixed.available(), fixed::toString);
        assertEquals(file, fixed.file().orElseThrow());
        assertEquals(List.of("model-en-mixed.bin"), names(dir));
    }

    @Test
    void withoutNpmThereIsNoClassifierAndAReason(@TempDir Path dir) throws IOException {
        VisemeModels none = new VisemeModelStore(NO_NPM, dir).ensure(true);
        assertFalse(none.available());
        assertTrue(none.classifier().isEmpty());
        assertTrue(none.reason().startsWith("npm is not installed (cannot run '" + NO_NPM + "'"), none.reason());
        assertTrue(none.reason().endsWith("install npm (Debian: apt-get install npm) and start again, or copy model-en-mixed.bin into " + dir),
                none.reason());
        assertTrue(none.warning().startsWith("viseme model unavailable (npm is not installed"), none.warning());
        assertEquals(List.of(), names(dir));

        VisemeModels notFetching = new VisemeModelStore(NO_NPM, dir).ensure(false);
        assertFalse(notFetching.available());
        assertTrue(notFetching.reason().startsWith("model-en-mixed.bin is not in " + dir), notFetching.reason());
    }

    @Test
    void looksInTheHomeThenTheInstallation(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("home");
        Properties system = new Properties();
        system.setProperty("lipdrop.home", home.toString());
        system.setProperty("lipdrop.npm", NO_NPM);
        VisemeModelStore store = VisemeModelStore.from(Settings.load(Map.of(), system));
        assertEquals(home.resolve("models").resolve("visemes"), store.fetchDir());
        String installed = System.getProperty("lipdrop.app");
        if (installed != null) {
            assertEquals(Path.of(installed).resolve("models").resolve("visemes").toAbsolutePath().normalize(), store.searchDirs().get(1));
        }
        assertEquals(0, store.npmRuns());
    }

    private static void needsNpm() {
        Assumptions.assumeTrue(first != null, "npm is not installed");
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
