package io.lipdrop.lipsync.face;

import io.lipdrop.lipsync.EngineSettings;
import io.lipdrop.lipsync.LipSyncEngine;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every real third-party face in ../shared/media/real (glasses, grayscale, a hand on the cheek, a small face in
 * a wide frame, RGBA PNG, a JPEG named .png, a stylised face, MPEG-4 Part 2) is found by the default face stage in
 * at least 95% of its frames, and a video is made from each. Skipped where ../shared is absent.
 */
class RealFacesTest {
    static final Path REAL = Path.of(System.getProperty("lipdrop.app", ".")).resolve("../shared/media/real").normalize();
    static Wav2LipModel model;
    @TempDir Path dir;

    @BeforeAll
    static void load() {
        model = Wav2LipModel.load("default", DefaultModelGenerator.generate(), ProviderPreference.CPU, 2);
    }

    @AfterAll
    static void close() { if (model != null) model.close(); }

    static Stream<String> templates() {
        return Stream.of("hallo__3.jpg", "hallo__6.jpg", "liveportrait__d30.jpg", "liveportrait__s12.jpg",
                "musetalk__musk.png", "sadtalker__full_body_1.png", "sadtalker__people_0.png",
                "liveportrait__d9.mp4", "liveportrait__s18.mp4", "musetalk__sun.mp4",
                "sadtalker__WDA_AlexandriaOcasioCortez_000.mp4");
    }

    @ParameterizedTest
    @MethodSource("templates")
    void findsThePresenterInNearlyEveryFrame(String name) throws Exception {
        Path template = REAL.resolve(name);
        assumeTrue(Files.isRegularFile(template), "../shared/media/real is not here");
        int frames = 0, withFace = 0;
        try (TemplateSource source = new TemplateSource(template, 16); FaceStage stage = FaceModelsForTests.stages().open()) {
            frames = source.firstPass(Integer.MAX_VALUE, stage::observe);
            stage.end(frames);
            for (int i = 0; i < frames; i++) if (stage.face(i, source.width(), source.height()).isPresent()) withFace++;
            assertEquals(0, stage.refused(), "a real face refused in " + name);
        }
        double share = withFace / (double) frames;
        System.out.printf("%s: face in %d/%d frames (%.1f%%)%n", name, withFace, frames, 100 * share);
        assertTrue(share >= 0.95, name + ": face in " + withFace + "/" + frames + " frames");

        // and it is made: two seconds of speech on it
        Path audio = TestMedia.wav(dir.resolve("speech.wav"),
                java.util.Arrays.copyOf(new io.lipdrop.lipsync.audio.AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", dir)), 32000), 1);
        SyncResult r = new LipSyncEngine(model, EngineSettings.defaults(), FaceModelsForTests.stages())
                .sync(audio, template, dir.resolve("out.mp4"), null);
        assertTrue(r.framesWithFace() >= 0.95 * r.frames(), name + ": " + r.framesWithFace() + "/" + r.frames() + " frames made with a face");
        assertEquals("blazeface+mesh", r.face().stage());
        System.out.printf("%s: made, %d/%d frames with a face, mouth centre moves %.2f px/frame%n", name, r.framesWithFace(), r.frames(),
                r.face().mouthMovementPixels());
    }
}
