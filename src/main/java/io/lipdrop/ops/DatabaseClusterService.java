package io.lipdrop.ops;

import io.lipdrop.job.ClusterLocks;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Camel cluster service whose leaders hold a lease row in the job store's database ({@link ClusterLocks}, the
 * table {@code locks}, lock {@code cluster:<namespace>}), so the nodes need no shared folder for their master routes.
 * <p>
 * Each view (namespace) tries to take or renew its lease every third of the lease. The expiry is the database's
 * clock ({@code CURRENT_TIMESTAMP + lease}, renewed only by its holder), so the nodes' clocks need not agree. A
 * leader keeps its leadership, by its own monotonic clock, for {@code lease - period} after it <em>began</em> its
 * last successful renewal: the database set the expiry later than that, so the node has given up a period (a third
 * of the lease, less a second at most) before another node could take the lease, even when its database calls hang
 * (a separate thread, which never calls the database, checks the deadline every second). A renewal that fails (the database away) gives leadership up at once.
 * Stopping the view (its last master route stopped, or the node stopped) gives up leadership and deletes the row:
 * the next node takes over at its next try, within one period. A killed leader is replaced once its lease has run
 * out: between lease - period and lease + period after the kill (20 to 40 s by default). ClusterLeaderTakeoverTest,
 * with a 9 s lease (6 to 12 s), measured 7.5 to 11.2 s from kill -9 to another node leading (four runs), 2.1 to 2.8 s from
 * the leader's SIGTERM (its whole shutdown included) to the next node leading.
 */
public final class DatabaseClusterService extends AbstractCamelClusterService<DatabaseClusterService.View> {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseClusterService.class);
    /** The prefix of the lock rows, apart from the drops' locks ({@code drop:...}). */
    static final String LOCK_PREFIX = "cluster:";

    private final ClusterLocks locks;
    private final int leaseSeconds;
    /** The renewals (database calls, which may hang) and the deadline checks (never touching the database). */
    private ScheduledExecutorService renewals;
    private ScheduledExecutorService deadlines;

    /** @param leaseSeconds how long a lease lasts past its holder's last renewal (at least 3: renewed every third) */
    public DatabaseClusterService(String nodeId, ClusterLocks locks, int leaseSeconds) {
        super(nodeId);
        if (leaseSeconds < 3) throw new IllegalArgumentException("lipdrop.cluster.lease-seconds must be at least 3: " + leaseSeconds);
        this.locks = locks;
        this.leaseSeconds = leaseSeconds;
    }

    public int leaseSeconds() { return leaseSeconds; }

    private String nodeId() { return getId(); }

    @Override
    protected synchronized void doStart() throws Exception {
        // apart: renewals that hang on the database (the store's one connection, its lock) must never hold up the
        // deadline checks that end a leadership in time
        renewals = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lipdrop-cluster-renewal"));
        deadlines = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lipdrop-cluster-deadline"));
        super.doStart();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        super.doStop();
        if (renewals != null) renewals.shutdownNow();
        if (deadlines != null) deadlines.shutdownNow();
        renewals = deadlines = null;
    }

    private synchronized ScheduledExecutorService renewals() { return renewals; }

    private synchronized ScheduledExecutorService deadlines() { return deadlines; }

    @Override
    protected View createView(String namespace) {
        return new View(namespace);
    }

    /** One namespace's leadership: this node's lease on {@code cluster:<namespace>}. */
    public final class View extends AbstractCamelClusterView {
        private final String lock;
        private final long periodMillis = leaseSeconds * 1000L / 3;
        private final Member local = new Member();
        private volatile boolean leader;
        /** System.nanoTime() until which this node may act as the leader (valid while {@link #leader}). */
        private volatile long leaderUntil;
        private ScheduledFuture<?> renewing;
        private ScheduledFuture<?> checking;
        /** Held while this view calls the database: a stop deletes the row only after a renewal in flight. */
        private final ReentrantLock databaseCall = new ReentrantLock();

        View(String namespace) {
            super(DatabaseClusterService.this, namespace);
            this.lock = LOCK_PREFIX + namespace;
        }

        @Override
        protected synchronized void doStart() {
            ScheduledExecutorService r = renewals(), d = deadlines();
            if (r == null || d == null) return; // the service is not running: nothing to lead
            renewing = r.scheduleWithFixedDelay(this::renew, 0, periodMillis, TimeUnit.MILLISECONDS);
            // each second (a quarter of the period for short leases): a leadership ends at most this late
            long check = Math.min(1000, periodMillis / 4);
            checking = d.scheduleWithFixedDelay(this::checkDeadline, check, check, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            synchronized (this) {
                if (renewing != null) renewing.cancel(false);
                if (checking != null) checking.cancel(false);
                renewing = checking = null;
            }
            // the routes stop first, then the lease goes: the next node may start them at once. After a renewal still
            // in flight (else it could write the row back after the delete), unless it hangs on the database: then
            // the lease just runs out
            giveUp("this node stops");
            boolean quiet = false;
            try {
                quiet = databaseCall.tryLock(5, TimeUnit.SECONDS);
                if (quiet) locks.unlock(lock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.info("cluster: {}: the lease could not be released ({}); another node takes over when it expires",
                        getNamespace(), e.getMessage());
            } finally {
                if (quiet) databaseCall.unlock();
            }
        }

        /** Takes or renews the lease; leadership starts when taken and ends on a failed renewal. */
        private void renew() {
            long started;
            boolean held;
            String why;
            databaseCall.lock();
            try {
                synchronized (this) {
                    if (renewing == null) return; // stopped: the lease is (being) released
                }
                started = System.nanoTime();
                held = locks.tryLock(lock, leaseSeconds);
                why = "another node holds the lease";
            } catch (RuntimeException e) {
                started = 0;
                held = false;
                why = "the lease could not be renewed: " + e.getMessage();
            } finally {
                databaseCall.unlock();
            }
            synchronized (this) {
                if (renewing == null) return; // stopped meanwhile: doStop has given up
                if (held) {
                    leaderUntil = started + TimeUnit.MILLISECONDS.toNanos(leaseSeconds * 1000L - periodMillis);
                    if (System.nanoTime() - leaderUntil < 0) {
                        if (!leader) {
                            leader = true;
                            LOG.info("cluster: this node ({}) leads {} (lease {} s)", nodeId(), getNamespace(), leaseSeconds);
                            fireLeadershipChangedEvent(local);
                        }
                        return;
                    }
                    why = "the renewal took longer than the lease's margin";
                }
                giveUp(why);
            }
        }

        /** A renewal that hangs (the database unreachable) must not outlive the margin before the lease expires. */
        private synchronized void checkDeadline() {
            if (leader && System.nanoTime() - leaderUntil >= 0) giveUp("the lease was not renewed in time");
        }

        /** Leadership events are fired under the view's lock, so the master routes see gained and lost in order. */
        private synchronized void giveUp(String why) {
            if (!leader) return;
            leader = false;
            LOG.info("cluster: this node ({}) no longer leads {}: {}", nodeId(), getNamespace(), why);
            fireLeadershipChangedEvent((CamelClusterMember) null);
        }

        public boolean leads() {
            return leader && System.nanoTime() - leaderUntil < 0;
        }

        @Override
        public CamelClusterMember getLocalMember() { return local; }

        @Override
        public List<CamelClusterMember> getMembers() { return List.of(local); }

        /** This node while it leads; another node's name is not read (the master routes ask only whether they lead). */
        @Override
        public Optional<CamelClusterMember> getLeader() { return leads() ? Optional.of(local) : Optional.empty(); }

        private final class Member implements CamelClusterMember {
            @Override
            public boolean isLeader() { return leads(); }

            @Override
            public boolean isLocal() { return true; }

            @Override
            public String getId() { return nodeId(); }
        }
    }

    /** Whether this node leads the namespace now, without creating or retaining its view (false when no route uses it). */
    public boolean leads(String namespace) {
        return isLeader(namespace);
    }

}
