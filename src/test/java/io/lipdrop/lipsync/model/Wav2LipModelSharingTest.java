package io.lipdrop.lipsync.model;

import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Jobs running at once share one model: each call takes a free session, and no call sees another's buffers. */
class Wav2LipModelSharingTest {
    private static final int S = DefaultModelGenerator.SIZE;

    @Test
    void callsFromSeveralThreadsEachGetTheirOwnResult() throws Exception {
        try (Wav2LipModel model = Wav2LipModel.load("d.onnx", DefaultModelGenerator.generate(),
                new ModelRuntime(ProviderPreference.CPU, 1, 0, CudaLibraries.defaultCache()))) {
            assertEquals(1, model.sessions());
            // loudness decides how far the jaw opens: four inputs, four different pictures
            List<float[]> mels = new ArrayList<>(), faces = new ArrayList<>(), expected = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                float[] mel = new float[80 * 16];
                java.util.Arrays.fill(mel, -3f + k * 0.8f);
                float[] face = new float[6 * S * S];
                for (int i = 0; i < face.length; i++) face[i] = ((i * 7 + k * 13) % 255) / 255f;
                float[] out = new float[3 * S * S];
                model.infer(mel, face, 1, out);
                mels.add(mel);
                faces.add(face);
                expected.add(out);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    int which = k;
                    running.add(pool.submit(() -> {
                        float[] out = new float[3 * S * S];
                        for (int round = 0; round < 25; round++) {
                            model.infer(mels.get(which), faces.get(which), 1, out);
                            assertArrayEquals(expected.get(which), out, "input " + which + ", round " + round);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) f.get();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
