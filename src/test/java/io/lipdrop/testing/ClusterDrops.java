package io.lipdrop.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The drops the multi-node tests share out: single jobs and one batch, each video of its own size, 1.6 s of speech. */
public final class ClusterDrops {
    private ClusterDrops() {}

    /**
     * {@code singles} drops {@code s<i>.wav} + {@code s<i>.mp4} and a batch {@code promo/} of {@code batch} videos in
     * {@code stage}; the jobs' output names, as {@code s0.mp4} and {@code promo/v0.mp4}.
     */
    public static List<String> stage(Path stage, int singles, int batch) throws Exception {
        Files.createDirectories(stage.resolve("promo"));
        Path photo = Fixtures.copy("face_astronaut.png", stage.resolveSibling("photo"));
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", stage.resolveSibling("audio")), 1.6);
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < singles; i++) {
            Files.copy(speech, stage.resolve("s" + i + ".wav"));
            TestMedia.videoFromPhoto(photo, stage.resolve("s" + i + ".mp4"), 240 + 8 * i, 240, 1.6, 25);
            jobs.add("s" + i + ".mp4");
        }
        Files.copy(speech, stage.resolve("promo/script.wav"));
        for (int i = 0; i < batch; i++) {
            TestMedia.videoFromPhoto(photo, stage.resolve("promo/v" + i + ".mp4"), 240 + 8 * i, 224, 1.6, 25);
            jobs.add("promo/v" + i + ".mp4");
        }
        return jobs;
    }
}
