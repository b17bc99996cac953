package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.Padding;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.testing.FaceModelsForTests;
import io.lipdrop.testing.TestMedia;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The yardstick of the mouth tests: the face mesh on every frame of a video, unsmoothed, giving the inner-lip
 * opening (eye spans) per frame (NaN without a face); and speech with a silence in the middle to drive a job.
 */
final class MouthMeasure {
    private MouthMeasure() {}

    /** Every frame's face, as the mesh sees it (no temporal smoothing: what a viewer sees). */
    static List<FaceShape> shapes(Path video) throws Exception { return faces(video, false); }

    /**
     * Each frame's landmarks as the mesh measured them on that frame alone ({@link #shapes} gives the track's mean over
     * a frame either side: a smoothing window of 1 still reaches one frame each way).
     */
    static List<FaceShape> measured(Path video) throws Exception { return faces(video, true); }

    private static List<FaceShape> faces(Path video, boolean alone) throws Exception {
        FaceStages raw = FaceStages.mesh(FaceModelsForTests.stages().detectorFile(), FaceModelsForTests.stages().landmarkFile(),
                new Padding(0, 0, 0, 0), 1, 1);
        List<FaceShape> out = new ArrayList<>();
        try (TemplateSource source = new TemplateSource(video, 16); FaceStage stage = raw.open()) {
            int n = source.firstPass(Integer.MAX_VALUE, stage::observe);
            stage.end(n);
            for (int i = 0; i < n; i++) {
                out.add(alone ? stage.measured(i).orElse(null)
                        : stage.face(i, source.width(), source.height()).map(o -> o.shape()).orElse(null));
            }
        }
        return out;
    }

    static double[] openings(List<FaceShape> shapes) {
        return shapes.stream().mapToDouble(s -> s == null ? Double.NaN : s.mouthOpening()).toArray();
    }

    /** The speech fixture with {@code silence} seconds of silence inserted at its middle; returns the file. */
    static Path speechWithSilence(Path source, Path out, double silence) throws Exception {
        float[] speech = new AudioDecoder().decodeMono16k(source);
        int half = speech.length / 2, gap = (int) (silence * 16000);
        float[] pcm = new float[speech.length + gap];
        System.arraycopy(speech, 0, pcm, 0, half);
        System.arraycopy(speech, half, pcm, half + gap, speech.length - half);
        return TestMedia.wav(out, pcm, 1);
    }

    /** Seconds at which the inserted silence starts in {@link #speechWithSilence}. */
    static double silenceStart(Path source) throws Exception {
        return new AudioDecoder().decodeMono16k(source).length / 2 / 16000.0;
    }

    /** Loudness (dB) of the driving audio per video frame, for "rises and falls with the syllables". */
    static double[] loudness(Path audio, double fps, int frames) throws Exception {
        float[] pcm = new AudioDecoder().decodeMono16k(audio);
        double[] db = new double[frames];
        for (int i = 0; i < frames; i++) {
            int a = (int) (i * 16000 / fps), b = Math.min(pcm.length, (int) ((i + 1) * 16000 / fps));
            double sum = 0;
            for (int k = a; k < b; k++) sum += pcm[k] * pcm[k];
            db[i] = 10 * Math.log10(sum / Math.max(1, b - a) + 1e-10);
        }
        return db;
    }

    /** Pearson correlation over the indices where both are numbers. */
    static double correlation(double[] x, double[] y) {
        double mx = 0, my = 0;
        int n = 0;
        for (int i = 0; i < Math.min(x.length, y.length); i++) if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) { mx += x[i]; my += y[i]; n++; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Best correlation of the opening with the loudness for the mouth leading the sound by 0..3 frames. */
    static double followsSyllables(double[] opening, double[] loudness, boolean[] speech) {
        double best = -1;
        for (int lead = 0; lead <= 3; lead++) {
            double[] o = new double[opening.length], l = new double[opening.length];
            for (int i = 0; i < opening.length; i++) {
                int j = i + lead;
                boolean use = speech[i] && j < loudness.length;
                o[i] = use ? opening[i] : Double.NaN;
                l[i] = use ? loudness[j] : Double.NaN;
            }
            best = Math.max(best, correlation(o, l));
        }
        return best;
    }
}
