package io.lipdrop.housekeeping;

import io.lipdrop.RouteContract;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.JobLedger;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The housekeeping routes' beans (routes/housekeeping.yaml). The pass over what the nodes share (folder mode: the
 * outbox and archive; bucket mode: the bucket) is a master route (see {@code ops.ClusterConfiguration}); each node's
 * own folders are tidied by every node (its work folder, and in bucket mode its outbox and archive; its log is
 * Log4j's to roll and expire, see log4j2.xml).
 */
public final class HousekeepingConfiguration implements CamelConfiguration {
    /** The cluster namespace of the shared-folder housekeeping pass. */
    public static final String NAMESPACE = "lipdrop-housekeeping";

    private final Housekeeper housekeeper;
    private final DiskWatermark watermark;
    private final io.lipdrop.job.IntakeGate gate;

    /**
     * @param store             the jobs (whose outputs may go) and the delivery ledger (whether S3 has them yet)
     * @param jobActive         true for a job key whose job this node is running (its work folder is in use)
     * @param leadsHousekeeping true while this node leads {@link #NAMESPACE} (runs the shared pass)
     * @param ownFolders        bucket mode: the outbox and archive are this node's own
     * @param bucket            the leader's purge of the bucket ({@link BucketPurge#from}), or null
     */
    public <S extends JobLedger & DeliveryQueue> HousekeepingConfiguration(Path outbox, Path archive, Path work, Path home, S store,
                                     boolean deliveryOn, Predicate<String> jobActive, HousekeepingSettings settings, LipDropMetrics metrics,
                                     BooleanSupplier leadsHousekeeping, io.lipdrop.job.IntakeGate gate, boolean ownFolders,
                                     BucketPurge bucket) {
        this.gate = gate;
        this.housekeeper = new Housekeeper(outbox, archive, work, store, deliveryOn, jobActive, settings, metrics,
                Clock.systemDefaultZone(), ownFolders, bucket);
        // each node watches the disk it writes to and pauses its own intake; the purge it asks for is this
        // node's own folders, and the shared folders' pass only on the node that leads housekeeping (in bucket mode
        // the leader's pass is the bucket's, which frees nothing on this disk)
        this.watermark = new DiskWatermark(DiskWatermark.fileSystemOf(home), settings, () -> {
            if (!ownFolders && leadsHousekeeping.getAsBoolean()) housekeeper.runScheduled();
            housekeeper.runLocal();
        });
    }

    @BindToRegistry(RouteContract.HOUSEKEEPER)
    public Housekeeper housekeeper() { return housekeeper; }

    @BindToRegistry(RouteContract.DISK_WATERMARK)
    public DiskWatermark watermark() { return watermark; }

    @Override
    public void configure(CamelContext camel) throws Exception {
        watermark.intake(new GateIntakeSwitch(gate));
    }
}
