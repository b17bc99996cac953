package io.lipdrop.bench;

import io.lipdrop.LipDropApplication;
import io.lipdrop.Settings;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.SyncResult;
import io.lipdrop.lipsync.face.FaceShape;
import io.lipdrop.lipsync.face.FaceStage;
import io.lipdrop.lipsync.face.FaceStages;
import io.lipdrop.lipsync.face.Padding;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.video.TemplateSource;
import io.lipdrop.lipsync.video.Timeline;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * {@code lipdrop bench sheets TEMPLATE AUDIO OUTDIR [MAXSIDE] [SECONDS]}: what a viewer of the lower face sees.
 * The template is first copied at most MAXSIDE pixels on its longer side and SECONDS long (speed), then made to
 * say AUDIO by the real engine (as {@code lipdrop sync}); the sheet shows, at {@link #TIMES} fixed moments, the
 * lower face of the template frame and of the output frame side by side (same crop, from the face mesh on the
 * template frame), one PNG per presenter: {@code OUTDIR/NAME.png}.
 */
final class ContactSheets {
    static final int TIMES = 8;
    static final int TILE = 256;

    private ContactSheets() {}

    static Path run(Settings s, Path template, Path audio, Path outDir, int maxSide, double seconds) throws Exception {
        MediaLibraries.init();
        Files.createDirectories(outDir);
        String name = template.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        boolean photo = io.lipdrop.intake.MediaTypes.PHOTO.contains(io.lipdrop.intake.MediaTypes.extension(template));
        // a photo stays a photo (the engine warps a photo's one mouth; a one-frame video would be a template)
        Path small = outDir.resolve(name + (photo ? ".template.png" : ".template.mp4"));
        if (photo) shrinkPhoto(template, small, maxSide);
        else shrink(template, small, maxSide, seconds);
        Path out = outDir.resolve(name + ".out.mp4");
        FaceModels models = LipDropApplication.ensureFaceModels(s);
        SyncResult r;
        try (LipSyncService service = new LipSyncService(ModelLocator.locate(s.get("lipdrop.model"), s.folder("models")),
                LipDropApplication.modelRuntime(s, s.get("lipdrop.provider")), s.engineForOneJob(), models,
                LipDropApplication.ensureVisemeModel(s))) {
            // the words and phonemes drive the mouths as in a job (-Dlipdrop.captions=off: HeadAudio's visemes, as before them)
            r = service.sync(audio, small, out, io.lipdrop.lipsync.JobOptions.DEFAULT, null,
                    LipDropApplication.jobCaptions(s).start(audio, name, "not written by the sheets"));
        }
        System.out.printf("sheets %s: %d frames, %d with a face, model %s%n", name, r.frames(), r.framesWithFace(),
                io.lipdrop.jobs.JobRunner.methodSummary(r));
        int[] picked = new int[TIMES];
        for (int k = 0; k < TIMES; k++) picked[k] = (int) ((k + 0.5) * r.frames() / TIMES);
        Map<Integer, Mat> outputs = frames(out, r.frames(), picked, null);
        FaceStages mesh = FaceStages.mesh(new FaceStages.ModelFile(models.detector().get(), models.detectorSha256()),
                new FaceStages.ModelFile(models.landmarks().get(), models.landmarksSha256()), new Padding(0, 0, 0, 0), 1, 1);
        Map<Integer, FaceShape> faces = new HashMap<>();
        int sourceFrames = count(small, r.frames());
        int[] sources = new int[TIMES];
        for (int k = 0; k < TIMES; k++) sources[k] = Timeline.pingPong(picked[k], sourceFrames);
        Map<Integer, Mat> templates;
        try (FaceStage stage = mesh.open()) {
            templates = frames(small, r.frames(), sources, (i, m) -> {
                stage.observe(i, m);
                stage.measured(i).ifPresent(f -> faces.put(i, f));
            });
        }
        Path png = outDir.resolve(name + ".png");
        try (Mat sheet = new Mat(TILE * TIMES / 2, TILE * 4, CV_8UC3, new Scalar(0, 0, 0, 0))) {
            for (int k = 0; k < TIMES; k++) {
                Mat t = templates.get(sources[k]), o = outputs.get(picked[k]);
                if (t == null || o == null) continue;
                int[] box = crop(Optional.ofNullable(faces.get(sources[k])), t.cols(), t.rows());
                int x = (k % 2) * 2 * TILE, y = (k / 2) * TILE;
                tile(t, box, sheet, x, y, String.format("t %.2fs src %d", picked[k] / r.fps(), sources[k]));
                tile(o, box, sheet, x + TILE, y, "out " + picked[k]);
            }
            imwrite(png.toString(), sheet);
        }
        templates.values().forEach(Mat::close);
        outputs.values().forEach(Mat::close);
        System.out.println("sheet " + png);
        return png;
    }

    /**
     * The lower face's box {x, y, w, h}: from just above the base of the nose to well below the chin (where a
     * patch that runs out of pixels smears), as wide; without a face, the lower middle of the frame.
     */
    static int[] crop(Optional<FaceShape> face, int cols, int rows) {
        double cx, top, side;
        if (face.isPresent()) {
            FaceShape f = face.get();
            double span = f.eyeSpan();
            cx = f.mouthCenterX();
            top = f.y(2) - 0.25 * span;
            side = Math.max(f.y(152) + 0.6 * span - top, 1.9 * span);
        } else {
            side = Math.min(cols, rows) * 0.5;
            cx = cols / 2.0;
            top = rows * 0.45;
        }
        int s = (int) Math.min(Math.min(cols, rows), Math.round(side));
        int x = (int) Math.max(0, Math.min(cols - s, Math.round(cx - s / 2.0)));
        int y = (int) Math.max(0, Math.min(rows - s, Math.round(top)));
        return new int[] {x, y, s, s};
    }

    private static void tile(Mat frame, int[] box, Mat sheet, int x, int y, String label) {
        try (Rect r = new Rect(box[0], box[1], box[2], box[3]); Mat part = frame.apply(r); Rect at = new Rect(x, y, TILE, TILE);
             Mat dst = sheet.apply(at); Size size = new Size(TILE, TILE)) {
            resize(part, dst, size, 0, 0, box[2] > TILE ? INTER_AREA : INTER_CUBIC);
            try (Point p = new Point(x + 4, y + 16); Scalar yellow = new Scalar(0, 255, 255, 0)) {
                putText(sheet, label, p, FONT_HERSHEY_SIMPLEX, 0.45, yellow);
            }
        }
    }

    /** Clones of the frames at {@code wanted} (first pass, up to {@code limit}); every frame is also shown to {@code also}. */
    private static Map<Integer, Mat> frames(Path video, int limit, int[] wanted, TemplateSource.FrameVisitor also) throws Exception {
        Map<Integer, Mat> kept = new HashMap<>();
        try (TemplateSource source = new TemplateSource(video, 16)) {
            source.firstPass(limit, (i, m) -> {
                if (also != null) also.visit(i, m);
                for (int w : wanted) if (w == i && !kept.containsKey(i)) kept.put(i, m.clone());
            });
        }
        return kept;
    }

    private static int count(Path video, int limit) throws Exception {
        try (TemplateSource source = new TemplateSource(video, 16)) {
            return source.firstPass(limit, (i, m) -> { });
        }
    }

    /** The template at most {@code maxSide} on its longer side and {@code seconds} long, as H.264 (a photo stays a photo). */
    private static void shrinkPhoto(Path photo, Path out, int maxSide) throws Exception {
        try (TemplateSource source = new TemplateSource(photo, 16); Mat scaled = new Mat()) {
            double scale = Math.min(1.0, maxSide / (double) Math.max(source.width(), source.height()));
            int w = 2 * (int) Math.round(source.width() * scale / 2), h = 2 * (int) Math.round(source.height() * scale / 2);
            source.firstPass(1, (i, m) -> {
                try (Size size = new Size(w, h)) { resize(m, scaled, size, 0, 0, INTER_AREA); }
            });
            imwrite(out.toString(), scaled);
        }
    }

    private static void shrink(Path template, Path out, int maxSide, double seconds) throws Exception {
        try (TemplateSource source = new TemplateSource(template, 16)) {
            double scale = Math.min(1.0, maxSide / (double) Math.max(source.width(), source.height()));
            int w = 2 * (int) Math.round(source.width() * scale / 2), h = 2 * (int) Math.round(source.height() * scale / 2);
            try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toFile(), w, h, 0);
                 OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat(); Mat scaled = new Mat(); Size size = new Size(w, h)) {
                rec.setFormat("mp4");
                rec.setVideoCodecName("libopenh264");
                rec.setPixelFormat(AV_PIX_FMT_YUV420P);
                rec.setFrameRate(source.fps());
                rec.setVideoBitrate((int) Math.max(1_000_000, w * (double) h * source.fps() * 0.3));
                rec.start();
                int frames = (int) Math.round(seconds * source.fps());
                source.firstPass(frames, (i, m) -> {
                    resize(m, scaled, size, 0, 0, INTER_AREA);
                    rec.record(conv.convert(scaled));
                });
                rec.stop();
            }
        }
    }
}
