package io.lipdrop;

import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.SyncResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/** {@code lipdrop sync --audio A --video V --out O.mp4 [--model M] [--captions burn]}: one job without the folders. */
@Command(name = "sync", description = "one video without the folders: the video's face speaks the audio")
final class SyncCommand implements Callable<Integer> {
    private final Settings settings;

    @Option(names = "--audio", required = true, paramLabel = "A", description = "the speech (any format FFmpeg reads)")
    Path audio;
    @Option(names = "--video", required = true, paramLabel = "V", description = "the video whose face speaks")
    Path video;
    @Option(names = "--out", required = true, paramLabel = "O.mp4", description = "the video to write (replaced if there)")
    Path out;
    @Option(names = "--model", paramLabel = "M.onnx",
            description = "a Wav2Lip ONNX model file (default: lipdrop.model's choice in models/)")
    String model;
    @Option(names = "--provider", paramLabel = "auto|cuda|cpu", description = "where the model runs (default: lipdrop.provider)")
    String provider;
    @Option(names = "--captions", paramLabel = "burn", description = "burn: the captions burnt into the picture")
    String captions;

    SyncCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws Exception {
        Settings s = settings;
        Path out = this.out.toAbsolutePath();
        String model = this.model != null ? this.model : s.get("lipdrop.model");
        Path modelsDir = this.model != null ? Path.of(".").toAbsolutePath() : s.folder("models");
        io.lipdrop.lipsync.MediaLibraries.openCvThreads(s.openCvThreadsForOneJob());
        try (LipSyncService service = new LipSyncService(ModelLocator.locate(model, modelsDir),
                LipDropApplication.modelRuntime(s, provider != null ? provider : s.get("lipdrop.provider")),
                s.engineForOneJob(), LipDropApplication.ensureFaceModels(s),
                LipDropApplication.ensureVisemeModel(s))) {
            Files.createDirectories(out.getParent());
            Path partial = out.resolveSibling("." + out.getFileName() + ".partial.mp4");
            // the speech recogniser and the phoneme aligner work beside the picture, as for a job; no captions are written here
            io.lipdrop.jobs.JobCaptions.Pending heard = LipDropApplication.jobCaptions(s).start(audio, audio.getFileName().toString(),
                    "not written by the sync command");
            SyncResult r = service.sync(audio, video, partial, io.lipdrop.lipsync.JobOptions.DEFAULT
                    .withBurnCaptions("burn".equals(captions)), null, heard);
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
}
