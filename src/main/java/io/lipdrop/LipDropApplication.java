package io.lipdrop;

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
import io.lipdrop.lipsync.model.ProviderPreference;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The service: Camel Main with the YAML routes in {@code routes/} (hot reloaded) and LipDrop's beans
 * bound by name, so the routes stay a readable description of the flow.
 */
public final class LipDropApplication {
    private static final Logger LOG = LoggerFactory.getLogger(LipDropApplication.class);

    private LipDropApplication() {}

    public static void run(Settings s) throws Exception {
        for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs", "models")) {
            Files.createDirectories(s.folder(folder));
        }
        Path routes = appDir().resolve("routes");
        LipSyncService lipSync = new LipSyncService(ModelLocator.locate(s.get("lipdrop.model"), s.folder("models")),
                ProviderPreference.parse(s.get("lipdrop.provider")), s.getInt("lipdrop.cpu-threads"), s.engine());
        JobStore store = new H2JobStore(s.folder("data"));
        JobStoreIdempotentRepository repository = new JobStoreIdempotentRepository(store);
        JobKeys keys = new JobKeys(store, repository, lipSync.modelSha(), s.engine().outputAffecting());
        Quarantine quarantine = new Quarantine(s.folder("inbox"), s.folder("archive"));

        Main main = new Main();
        main.setOverrideProperties(s.asProperties());
        main.configure().withRoutesIncludePattern("file:" + routes + "/*.yaml");
        main.configure().setRoutesReloadDirectory(routes.toString());
        main.bind("inboxFilter", new InboxFilter(s.folder("inbox"), s.getLong("lipdrop.intake.stable-millis"),
                s.getLong("lipdrop.intake.partner-wait-log-millis")));
        main.bind("dropPlanner", new DropPlanner(s.folder("inbox")));
        main.bind("jobStore", store);
        main.bind("jobRepository", repository);
        main.bind("jobKeys", keys);
        main.bind("jobRunner", new JobRunner(lipSync, store, keys, s.folder("outbox"), s.folder("work")));
        main.bind("jobOutcomes", new JobOutcomes(store, quarantine, s.getInt("lipdrop.jobs.max-attempts")));
        main.bind("quarantine", quarantine);
        main.bind("archiver", new Archiver(s.folder("archive"), quarantine));
        main.bind("lipSync", lipSync);

        LOG.info("LipDrop started in {}: watching {}, model {} on {}{}", s.home(), s.folder("inbox"), lipSync.modelName(),
                lipSync.provider(), lipSync.providerNote() == null ? "" : " (" + lipSync.providerNote() + ")");
        try {
            main.run();
        } finally {
            store.close();
            lipSync.close();
            LOG.info("LipDrop stopped");
        }
    }

    /** Where LipDrop is installed (routes/ lives there): -Dlipdrop.app, set by bin/lipdrop, else the current directory. */
    static Path appDir() {
        return Path.of(System.getProperty("lipdrop.app", ".")).toAbsolutePath().normalize();
    }
}
