package io.lipdrop.intake;

import io.lipdrop.RouteContract;
import io.lipdrop.job.ClusterLocks;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.ResultSharing;
import io.lipdrop.job.IntakeGate;
import io.lipdrop.job.JobKeys;
import io.lipdrop.job.JobLedger;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Predicate;

/** The intake route's beans (routes/intake.yaml): what passes, how a drop is planned, and how it ends. */
public final class IntakeConfiguration implements CamelConfiguration {
    private final InboxFilter filter;
    private final DropPlanner planner;
    private final Quarantine quarantine;
    private final Archiver archiver;
    private final DeepDrops deepDrops;

    public <S extends JobLedger & ClusterLocks & DeliveryQueue> IntakeConfiguration(Path inbox, Path archive, long stableMillis,
                               long partnerWaitLogMillis, Quarantine quarantine, S store, JobKeys keys) {
        this(inbox, archive, stableMillis, partnerWaitLogMillis, quarantine, store, keys, null, url -> false, new IntakeGate());
    }

    /**
     * @param models        where the models a drop's lipdrop.yaml may name are installed (null: none may be named)
     * @param notifyAllowed whether a drop's notify-url may be used (lipdrop.notify.allow)
     * @param gate          closed while this node takes no new drops
     * @param store         the parts of the job store intake uses: the jobs' outcomes and the lock that finishes a drop
     * @param keys          the node's job keys, given to each job as its drop is planned
     */
    public <S extends JobLedger & ClusterLocks & DeliveryQueue> IntakeConfiguration(Path inbox, Path archive, long stableMillis,
                               long partnerWaitLogMillis, Quarantine quarantine, S store, JobKeys keys, Path models,
                               Predicate<URI> notifyAllowed, IntakeGate gate) {
        this(inbox, archive, stableMillis, partnerWaitLogMillis, quarantine, store, keys, models, notifyAllowed, gate,
                ResultSharing.SHARED_OUTBOX, java.util.List.of());
    }

    /**
     * @param sharing          how results reach the other nodes: a drop is finished only once its results have
     * @param reservedPrefixes bucket prefixes a drop's own s3-prefix may not reach into (bucket mode: inbox, archive)
     */
    public <S extends JobLedger & ClusterLocks & DeliveryQueue> IntakeConfiguration(Path inbox, Path archive, long stableMillis,
                               long partnerWaitLogMillis, Quarantine quarantine, S store, JobKeys keys, Path models,
                               Predicate<URI> notifyAllowed, IntakeGate gate, ResultSharing sharing,
                               java.util.List<String> reservedPrefixes) {
        this.filter = new InboxFilter(inbox, stableMillis, partnerWaitLogMillis, gate);
        this.planner = new DropPlanner(inbox, new JobSettingsFile(models, notifyAllowed, reservedPrefixes), keys);
        this.deepDrops = new DeepDrops(inbox);
        this.quarantine = quarantine;
        this.archiver = new Archiver(inbox, archive, quarantine, store, keys, sharing);
    }

    @BindToRegistry(RouteContract.INBOX_FILTER)
    public InboxFilter filter() { return filter; }

    @BindToRegistry(RouteContract.DROP_PLANNER)
    public DropPlanner planner() { return planner; }

    @BindToRegistry(RouteContract.QUARANTINE)
    public Quarantine quarantine() { return quarantine; }

    @BindToRegistry(RouteContract.ARCHIVER)
    public Archiver archiver() { return archiver; }

    /** Files nested too deep to be taken; {@code current()} lists them for the page. */
    @BindToRegistry(RouteContract.DEEP_DROPS)
    public DeepDrops deepDrops() { return deepDrops; }
}
