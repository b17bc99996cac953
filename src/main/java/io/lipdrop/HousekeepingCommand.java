package io.lipdrop;

import io.lipdrop.delivery.S3Settings;
import io.lipdrop.housekeeping.Housekeeper;
import io.lipdrop.housekeeping.HousekeepingReport;
import io.lipdrop.housekeeping.HousekeepingSettings;
import io.lipdrop.jobs.JobStores;
import io.lipdrop.job.JobStatus;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.metrics.LipDropMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.concurrent.Callable;

/** {@code lipdrop housekeeping [--dry-run]}: one upkeep pass now, printing every file it touched. */
@Command(name = "housekeeping", description = "one upkeep pass now, printing every file it touched")
final class HousekeepingCommand implements Callable<Integer> {
    private final Settings settings;

    @Option(names = "--dry-run", description = "list what the pass would do, changing nothing")
    boolean dryRun;

    HousekeepingCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        return run(settings, dryRun);
    }

    static int run(Settings s, boolean dryRun) {
        try (JobStore store = JobStores.open(s, false)) {
            // from outside the service, a job recorded as running may be running there: its files are left alone
            Housekeeper h = new Housekeeper(s.folder("outbox"), s.folder("archive"), s.folder("work"),
                    store, S3Settings.from(s).enabled(),
                    key -> store.find(key).map(r -> r.status() == JobStatus.RUNNING).orElse(false),
                    HousekeepingSettings.from(s), LipDropMetrics.none(), Clock.systemDefaultZone(), s.bucketIntake(),
                    io.lipdrop.housekeeping.BucketPurge.from(s, S3Settings.from(s)));
            HousekeepingReport r = h.run(dryRun);
            r.entries().forEach(e -> System.out.println((dryRun && e.action() != HousekeepingReport.Action.KEPT ? "would be " : "") + e));
            System.out.println(r.summary());
            return 0;
        }
    }
}
