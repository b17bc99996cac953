package io.lipdrop.ops;

import io.lipdrop.housekeeping.DiskWatermark;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.NodePause;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.metrics.LipDropMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;

import java.nio.file.Path;
import java.util.Map;

/** Health checks and metrics: what /observe/health and /observe/metrics show for this node. */
public final class OpsConfiguration implements CamelConfiguration {
    private final PrometheusMeterRegistry prometheus;
    private final LipDropMetrics metrics;
    private final LipSyncService lipSync;
    private final FaceModels faces;
    private final DiskWatermark watermark;
    private final JobStore store;
    private final Map<String, Path> writable;
    private final Path home;
    private final Path inbox;
    private final int liveWithinSeconds;
    private final boolean deliveryOn;
    private final NodePause pause;

    public OpsConfiguration(PrometheusMeterRegistry prometheus, LipDropMetrics metrics, LipSyncService lipSync, FaceModels faces,
                            DiskWatermark watermark, JobStore store, Map<String, Path> writable, Path home, Path inbox,
                            int liveWithinSeconds, boolean deliveryOn, NodePause pause) {
        this.pause = pause;
        this.prometheus = prometheus;
        this.metrics = metrics;
        this.lipSync = lipSync;
        this.faces = faces;
        this.watermark = watermark;
        this.store = store;
        this.writable = writable;
        this.home = home;
        this.inbox = inbox;
        this.liveWithinSeconds = liveWithinSeconds;
        this.deliveryOn = deliveryOn;
    }

    /** Camel's meters and LipDrop's in one scrape: bound before Camel's metrics set-up makes a registry of its own. */
    public void bindRegistry(org.apache.camel.main.Main main) {
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, prometheus);
    }

    @BindToRegistry("diskHealthCheck")
    public DiskHealthCheck disk() { return new DiskHealthCheck(watermark); }

    @BindToRegistry("nodePauseHealthCheck")
    public NodePauseHealthCheck paused() { return new NodePauseHealthCheck(pause); }

    @BindToRegistry("modelHealthCheck")
    public ModelHealthCheck model() { return new ModelHealthCheck(lipSync); }

    @BindToRegistry("faceModelsHealthCheck")
    public FaceModelsHealthCheck faceModels() { return new FaceModelsHealthCheck(faces); }

    @BindToRegistry("foldersHealthCheck")
    public FoldersHealthCheck folders() { return new FoldersHealthCheck(writable); }

    @BindToRegistry("routesHealthCheck")
    public RoutesHealthCheck routes() { return new RoutesHealthCheck(deliveryOn); }

    @BindToRegistry("nodesHealthCheck")
    public NodesHealthCheck nodes() { return new NodesHealthCheck(store, liveWithinSeconds); }

    @Override
    public void configure(CamelContext camel) {
        new ServiceGauges().register(metrics, home, writable, inbox, store, watermark::highMark, lipSync.modelName(), lipSync.provider());
    }
}
