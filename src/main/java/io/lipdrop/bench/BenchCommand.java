package io.lipdrop.bench;

import io.lipdrop.Settings;
import io.lipdrop.files.ContentHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code lipdrop bench ...}: the pieces bench/run measures with. Kept in the product so the benchmark
 * runs exactly the code users run.
 * <pre>
 *   bench video PHOTO OUT WIDTH HEIGHT SECONDS    a presenter template made from a photo
 *   bench speech SPEECH OUT SECONDS               speech looped to a length
 *   bench floor AUDIO TEMPLATE OUT                decode + encode + mux only
 *   bench hash FILE                               LipDrop's duplicate recognition (streamed SHA-256)
 *   bench face TEMPLATE [FRAMES]                  the face stage's cost per frame: default against the Haar cascade
 *   bench targets AUDIO                           a job's speech to mouth targets: time and peak heap
 *   bench sheets TEMPLATE AUDIO OUTDIR [MAXSIDE] [SECONDS]
 *                                                 contact sheets: the lower face of template and output side by side
 *   bench captions AUDIO                          the speech recogniser on AUDIO
 * </pre>
 * Each prints the JVM's peak memory after its measurement.
 */
@Command(name = "bench", description = "the measurements bench/run makes, with the code users run",
        subcommands = {BenchCommand.Video.class, BenchCommand.Speech.class, BenchCommand.FloorCost.class, BenchCommand.Hash.class,
                BenchCommand.Face.class, BenchCommand.Targets.class, BenchCommand.Sheets.class, BenchCommand.Captions.class})
public final class BenchCommand {
    private final Settings settings;

    public BenchCommand(Settings settings) {
        this.settings = settings;
    }

    /** One measurement; its peak memory is printed after it when it succeeded. */
    abstract static class Measurement implements Callable<Integer> {
        @ParentCommand BenchCommand bench;

        @Override
        public Integer call() throws Exception {
            int rc = measure(bench.settings);
            if (rc == 0) PeakMemory.print();
            return rc;
        }

        abstract int measure(Settings s) throws Exception;
    }

    @Command(name = "video", description = "a presenter template made from a photo (25 fps)")
    static final class Video extends Measurement {
        @Parameters(index = "0", paramLabel = "PHOTO") Path photo;
        @Parameters(index = "1", paramLabel = "OUT") Path out;
        @Parameters(index = "2", paramLabel = "WIDTH") int width;
        @Parameters(index = "3", paramLabel = "HEIGHT") int height;
        @Parameters(index = "4", paramLabel = "SECONDS") double seconds;

        @Override
        int measure(Settings s) throws Exception {
            BenchMedia.video(photo, out, width, height, seconds, 25);
            return 0;
        }
    }

    @Command(name = "speech", description = "speech looped to a length")
    static final class Speech extends Measurement {
        @Parameters(index = "0", paramLabel = "SPEECH") Path speech;
        @Parameters(index = "1", paramLabel = "OUT") Path out;
        @Parameters(index = "2", paramLabel = "SECONDS") double seconds;

        @Override
        int measure(Settings s) throws Exception {
            BenchMedia.speech(speech, out, seconds);
            return 0;
        }
    }

    @Command(name = "floor", description = "decode + encode + mux only")
    static final class FloorCost extends Measurement {
        @Parameters(index = "0", paramLabel = "AUDIO") Path audio;
        @Parameters(index = "1", paramLabel = "TEMPLATE") Path template;
        @Parameters(index = "2", paramLabel = "OUT") Path out;

        @Override
        int measure(Settings s) throws Exception {
            Floor.run(audio, template, out, s.engineForOneJob());
            return 0;
        }
    }

    @Command(name = "hash", description = "LipDrop's duplicate recognition (streamed SHA-256) of FILE, timed")
    static final class Hash extends Measurement {
        @Parameters(index = "0", paramLabel = "FILE") String file;

        @Override
        int measure(Settings s) throws Exception {
            long t = System.nanoTime();
            String sha = new ContentHasher().sha256(Path.of(file));
            System.out.printf("%s  %s%nhash: %.3f s%n", sha, file, (System.nanoTime() - t) / 1e9);
            return 0;
        }
    }

    @Command(name = "face", description = "the face stage's cost per frame: the default against the Haar cascade")
    static final class Face extends Measurement {
        @Parameters(index = "0", paramLabel = "TEMPLATE") Path template;
        @Parameters(index = "1", paramLabel = "FRAMES", arity = "0..1", defaultValue = "300", description = "frames to measure (default: ${DEFAULT-VALUE})")
        int frames;

        @Override
        int measure(Settings s) throws Exception {
            FaceBench.run(template, frames, s.engineForOneJob(), io.lipdrop.LipDropApplication.ensureFaceModels(s));
            return 0;
        }
    }

    @Command(name = "targets", description = "a job's speech to mouth targets: time and peak heap")
    static final class Targets extends Measurement {
        @Parameters(index = "0", paramLabel = "AUDIO") Path audio;

        @Override
        int measure(Settings s) throws Exception {
            TargetsBench.run(audio, s.engineForOneJob(), io.lipdrop.LipDropApplication.ensureVisemeModel(s).classifier().orElse(null));
            return 0;
        }
    }

    @Command(name = "sheets", description = "contact sheets: the lower face of template and output side by side")
    static final class Sheets extends Measurement {
        @Parameters(index = "0", paramLabel = "TEMPLATE") Path template;
        @Parameters(index = "1", paramLabel = "AUDIO") Path audio;
        @Parameters(index = "2", paramLabel = "OUTDIR") Path outDir;
        @Parameters(index = "3", paramLabel = "MAXSIDE", arity = "0..1", defaultValue = "720", description = "default: ${DEFAULT-VALUE}")
        int maxSide;
        @Parameters(index = "4", paramLabel = "SECONDS", arity = "0..1", defaultValue = "8", description = "default: ${DEFAULT-VALUE}")
        double seconds;

        @Override
        int measure(Settings s) throws Exception {
            ContactSheets.run(s, template, audio, outDir, maxSide, seconds);
            return 0;
        }
    }

    @Command(name = "captions", description = "what the captions' speech recogniser and phoneme aligner cost a job, on AUDIO")
    static final class Captions extends Measurement {
        @Parameters(index = "0", paramLabel = "AUDIO") Path audio;

        @Override
        int measure(Settings s) throws Exception {
            return CaptionsBench.run(s, audio);
        }
    }
}
