package io.lipdrop.lipsync;

import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Wav2Lip's exact architecture and export signature (random weights, 145 MB, kept out of the repo in
 * ../shared/models): the engine binds and runs it end to end. Skipped where that file is absent.
 */
class RealWav2LipArchitectureTest {
    @TempDir Path dir;

    @Test
    void runsTheWav2LipShapedExportEndToEnd() throws Exception {
        Path onnx = Path.of(System.getProperty("lipdrop.app", "."), "..", "shared", "models", "wav2lip_shaped.onnx");
        Assumptions.assumeTrue(Files.exists(onnx), "no " + onnx);
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        float[] speech = new AudioDecoder().decodeMono16k(Fixtures.copy("speech_en_16k.wav", dir));
        Path audio = TestMedia.wav(dir.resolve("two-seconds.wav"), Arrays.copyOf(speech, 32_000), 1);
        try (Wav2LipModel model = Wav2LipModel.load(onnx, ProviderPreference.AUTO, 0)) {
            assertEquals(96, model.contract().faceSize());
            assertEquals("mel_spectrogram", model.contract().audioInput());
            assertEquals("video_frames", model.contract().faceInput());
            SyncResult r = new LipSyncEngine(model, EngineSettings.defaults()).sync(audio, photo, dir.resolve("o.mp4"), null);
            assertEquals(50, r.frames());
            assertEquals(50, TestMedia.probe(dir.resolve("o.mp4")).frames());
            System.out.printf("wav2lip_shaped on %s: %d frames, inference %.2f s (%.1f frames/s)%n", r.provider(), r.frames(),
                    r.stageSeconds().get("inference"), r.frames() / r.stageSeconds().get("inference"));
        }
    }
}
