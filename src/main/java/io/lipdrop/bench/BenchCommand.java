package io.lipdrop.bench;

import io.lipdrop.Settings;
import io.lipdrop.jobs.ContentHasher;

import java.nio.file.Path;

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
 * </pre>
 */
public final class BenchCommand {
    private BenchCommand() {}

    public static int run(Settings s, String[] args) throws Exception {
        switch (args.length > 1 ? args[1] : "") {
            case "video" -> BenchMedia.video(Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Double.parseDouble(args[6]), 25);
            case "speech" -> BenchMedia.speech(Path.of(args[2]), Path.of(args[3]), Double.parseDouble(args[4]));
            case "floor" -> Floor.run(Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), s.engineForOneJob());
            case "face" -> FaceBench.run(Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 300, s.engineForOneJob(),
                    io.lipdrop.LipDropApplication.ensureFaceModels(s));
            case "targets" -> TargetsBench.run(Path.of(args[2]), s.engineForOneJob(),
                    io.lipdrop.LipDropApplication.ensureVisemeModel(s).classifier().orElse(null));
            case "sheets" -> ContactSheets.run(s, Path.of(args[2]), Path.of(args[3]), Path.of(args[4]),
                    args.length > 5 ? Integer.parseInt(args[5]) : 720, args.length > 6 ? Double.parseDouble(args[6]) : 8);
            case "captions" -> {
                int rc = CaptionsBench.run(s, Path.of(args[2]));
                if (rc != 0) return rc;
            }
            case "hash" -> {
                long t = System.nanoTime();
                String sha = new ContentHasher().sha256(Path.of(args[2]));
                System.out.printf("%s  %s%nhash: %.3f s%n", sha, args[2], (System.nanoTime() - t) / 1e9);
            }
            default -> {
                System.err.println("usage: lipdrop bench video|speech|floor|hash|face|targets|sheets|captions ...");
                return 2;
            }
        }
        PeakMemory.print();
        return 0;
    }
}
