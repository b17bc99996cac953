package io.lipdrop;

import io.lipdrop.bucket.BucketConfiguration;
import io.lipdrop.bucket.BucketSettings;
import io.lipdrop.delivery.BucketResults;
import io.lipdrop.delivery.DeliveryConfiguration;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.housekeeping.HousekeepingConfiguration;
import io.lipdrop.housekeeping.HousekeepingSettings;
import io.lipdrop.intake.IntakeConfiguration;
import io.lipdrop.intake.Quarantine;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.JobStores;
import io.lipdrop.jobs.JobsConfiguration;
import io.lipdrop.job.IntakeGate;
import io.lipdrop.job.ResultSharing;
import io.lipdrop.jobs.NodePause;
import io.lipdrop.jobs.NodeProbe;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.notify.NotifyConfiguration;
import io.lipdrop.notify.NotifySettings;
import io.lipdrop.ops.ClusterConfiguration;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.ops.OpsConfiguration;
import io.lipdrop.web.WebConfiguration;
import io.lipdrop.web.WebSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's beans, feature by feature (each a {@link CamelConfiguration} with {@code @BindToRegistry}
 * methods named in {@link RouteContract}), from the settings and the parts that outlive a Camel context:
 * the job store, the lip-sync service and the metrics. The service and the in-process route tests build a
 * node the same way.
 */
public final class LipDropWiring {
    private final List<CamelConfiguration> configurations;
    private final OpsConfiguration ops;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LipDropWiring.class);
    private final boolean bucketIntake;

    private LipDropWiring(List<CamelConfiguration> configurations, OpsConfiguration ops, boolean bucketIntake) {
        this.configurations = configurations;
        this.ops = ops;
        this.bucketIntake = bucketIntake;
    }

    public static LipDropWiring of(Settings s, JobStore store, LipSyncService lipSync, FaceModels faces, LipDropMetrics metrics,
                                   PrometheusMeterRegistry prometheus) {
        S3Settings s3 = S3Settings.from(s);
        ResultSharing sharing = s.bucketIntake()
                ? ResultSharing.bucket(JobStores.liveWithinSeconds(s), new BucketResults(S3ClientFactory.create(s3), s3))
                : ResultSharing.SHARED_OUTBOX;
        Quarantine quarantine = new Quarantine(s.folder("inbox"), s.folder("archive"));
        NotifySettings notifySettings = NotifySettings.from(s);
        NotifyConfiguration notify = new NotifyConfiguration(notifySettings, store, metrics);
        Map<String, Path> writable = new LinkedHashMap<>();
        for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs")) writable.put(folder, s.folder(folder));
        IntakeGate gate = new IntakeGate();
        NodePause pause = new NodePause(gate, new NodeProbe(writable, s.getLong("lipdrop.disk.min-free-mb") * 1024 * 1024, store), store,
                s.getLong("lipdrop.node.resume-after-millis"));
        JobsConfiguration jobs = new JobsConfiguration(store, lipSync, quarantine, s.folder("outbox"), s.folder("work"), s.home(),
                s.getInt("lipdrop.jobs.max-attempts"), s.getLong("lipdrop.store.lease-seconds"), s3.enabled(), metrics,
                s.getInt("lipdrop.jobs.workers"), notify.queue(), pause, LipDropApplication.jobCaptions(s), sharing);
        IntakeConfiguration intake = new IntakeConfiguration(s.folder("inbox"), s.folder("archive"),
                s.getLong("lipdrop.intake.stable-millis"), s.getLong("lipdrop.intake.partner-wait-log-millis"), quarantine, store,
                jobs.keys(), s.folder("models"), notifySettings.allowed()::allowsUrl, gate, sharing,
                s.bucketIntake() ? BucketSettings.from(s).prefixes() : List.of());
        ClusterConfiguration cluster = new ClusterConfiguration(store.nodeId(), store, s.getInt("lipdrop.cluster.lease-seconds"));
        HousekeepingConfiguration housekeeping = new HousekeepingConfiguration(s.folder("outbox"), s.folder("archive"),
                s.folder("work"), s.home(), store, s3.enabled(), jobs.claims()::isOwned, HousekeepingSettings.from(s),
                metrics, () -> cluster.leads(HousekeepingConfiguration.NAMESPACE), gate, s.bucketIntake(),
                io.lipdrop.housekeeping.BucketPurge.from(s, s3));
        OpsConfiguration ops = new OpsConfiguration(prometheus, metrics, lipSync, faces, housekeeping.watermark(), store, writable,
                s.home(), s.folder("inbox"), JobStores.liveWithinSeconds(s), s3.enabled(), pause);
        List<CamelConfiguration> all = new ArrayList<>(List.of(cluster, jobs, intake, housekeeping, ops, notify));
        if (s3.enabled()) all.add(new DeliveryConfiguration(s3, store, s.folder("outbox"), metrics, s.bucketIntake()));
        if (s.bucketIntake()) {
            all.add(new BucketConfiguration(s3, BucketSettings.from(s), s.folder("inbox"), s.folder("archive"), s.folder("work"),
                    s.folder("data"), gate));
        }
        all.add(new WebConfiguration(WebSettings.from(s), store, jobs.progress(), s.folder("inbox"), s.folder("outbox"),
                s.folder("archive"), s.folder("data"), JobStores.liveWithinSeconds(s), intake.deepDrops()::current,
                s.bucketIntake() ? new io.lipdrop.delivery.DownloadLinks(s3, s.getInt("lipdrop.s3.presign-seconds")) : null,
                s.bucketIntake() ? BucketSettings.from(s).inboxPrefix() : null, s.bucketIntake() ? BucketSettings.from(s).archivePrefix() : null));
        return new LipDropWiring(all, ops, s.bucketIntake());
    }

    public void addTo(org.apache.camel.main.Main main) {
        configurations.forEach(main.configure()::addConfiguration);
        ops.bindRegistry(main);
    }

    public List<CamelConfiguration> configurations() { return configurations; }

    /**
     * At a graceful stop in bucket mode: uploads what this node made and has not uploaded yet (its outbox is its own;
     * in folder mode any node's delivery uploads from the shared outbox later, so nothing is done).
     */
    public void uploadWhatIsLeft() {
        if (!bucketIntake) return;
        configurations.stream().filter(c -> c instanceof DeliveryConfiguration).map(c -> ((DeliveryConfiguration) c).deliveries())
                .forEach(d -> {
                    int n = d.uploadWhatIsLeft();
                    if (n > 0) LOG.info("uploaded {} file(s) this node had made before it stopped", n);
                });
    }
}
