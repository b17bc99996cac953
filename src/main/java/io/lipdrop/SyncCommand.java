package io.lipdrop;

import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.SyncResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** {@code lipdrop sync --audio A --video V --out O.mp4 [--model M] [--captions burn]}: one job without the folders. */
final class SyncCommand {
    private SyncCommand() {}

    static int run(Settings s, Map<String, String> args) throws Exception {
        Path audio = Path.of(require(args, "audio"));
        Path video = Path.of(require(args, "video"));
        Path out = Path.of(require(args, "out")).toAbsolutePath();
        String model = args.getOrDefault("model", s.get("lipdrop.model"));
        Path modelsDir = args.containsKey("model") ? Path.of(".").toAbsolutePath() : s.folder("models");
        try (LipSyncService service = new LipSyncService(ModelLocator.locate(model, modelsDir),
                LipDropApplication.modelRuntime(s, args.getOrDefault("provider", s.get("lipdrop.provider"))),
                s.engineForOneJob(), LipDropApplication.ensureFaceModels(s),
                LipDropApplication.ensureVisemeModel(s))) {
            Files.createDirectories(out.getParent());
            Path partial = out.resolveSibling("." + out.getFileName() + ".partial.mp4");
            // the speech recogniser and the phoneme aligner work beside the picture, as for a job; no captions are written here
            io.lipdrop.jobs.JobCaptions.Pending heard = LipDropApplication.jobCaptions(s).start(audio, audio.getFileName().toString(),
                    "not written by the sync command");
            SyncResult r = service.sync(audio, video, partial, io.lipdrop.lipsync.JobOptions.DEFAULT
                    .withBurnCaptions("burn".equals(args.get("captions"))), null, heard);
            Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            System.out.printf("%s: %d frames (%d with a face by %s, %d boxes refused), %dx%d at %.2f fps, model %s on %s, encoder %s%n", out,
                    r.frames(), r.framesWithFace(), r.face().stage(), r.face().refused(), r.width(), r.height(), r.fps(),
                    io.lipdrop.jobs.JobRunner.methodSummary(r),
                    r.provider(), r.encoder());
            if (r.method().get("targets") != null) System.out.println("mouth targets: " + r.method().get("targets") + " " + r.method().get("targetShares"));
            System.out.printf("%-10s %9s %12s%n", "stage", "seconds", "frames/s");
            r.stageSeconds().forEach((stage, sec) -> System.out.printf("%-10s %9.2f %12.1f%n", stage, sec, sec > 0 ? r.frames() / sec : 0));
            System.out.printf("%-10s %9.2f %12.1f%n", "total", r.wallSeconds(), r.framesPerSecond());
            io.lipdrop.bench.PeakMemory.print();
        }
        return 0;
    }

    private static String require(Map<String, String> args, String name) {
        String v = args.get(name);
        if (v == null) throw new IllegalArgumentException("missing --" + name);
        return v;
    }
}
