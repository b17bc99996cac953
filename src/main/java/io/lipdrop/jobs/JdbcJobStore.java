package io.lipdrop.jobs;

import io.lipdrop.job.Callback;
import io.lipdrop.job.DeliveryRecord;
import io.lipdrop.job.JobOutput;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.NodeRecord;
import io.lipdrop.job.ProgressRecord;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The job store in plain SQL that H2 and PostgreSQL both run, on one connection used under a lock (job
 * transitions are rare next to the seconds a video takes; each node has its own connection).
 * <p>
 * Claims are one conditional UPDATE on the job's row, keyed by the content hash: the database's row lock
 * makes two nodes claiming the same job at once serialise, and the second one re-reads the row and finds it
 * taken. Every node plans the drops it sees in the shared inbox and tries the jobs in order, so there is no
 * queue to pick "any next job" from, and {@code SELECT ... FOR UPDATE SKIP LOCKED} has nothing to add.
 * Camel's {@code JdbcOrphanLockAwareIdempotentRepository} would keep a second table beside the job's status
 * and could not refuse "done" from a node that lost its claim, which the fenced updates here do
 * ({@code WHERE node = me}). Lease times come from the database's clock, so nodes' clocks need not agree.
 */
public abstract class JdbcJobStore implements JobStore {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String LEASE = "CURRENT_TIMESTAMP + CAST(? AS INTEGER) * INTERVAL '1' SECOND";
    private static final String CLAIMABLE = "(status IN ('QUEUED','FAILED','QUARANTINED') OR (status = 'RUNNING' AND "
            + "(node IS NULL OR node = ? OR lease_until IS NULL OR lease_until < CURRENT_TIMESTAMP)))";

    private final String nodeId;
    private final int leaseSeconds;
    private Connection db;
    /** The last failure showed the store itself broken or away: replace the connection before the next use. */
    private boolean broken;

    protected JdbcJobStore(String nodeId, Duration lease) {
        this.nodeId = nodeId;
        this.leaseSeconds = (int) Math.max(1, lease.toSeconds());
    }

    /** Opens the connection (again, after a lost one). */
    protected abstract Connection connect() throws SQLException;

    /** Creates or migrates the schema (db/migration) and opens the store's connection. */
    protected final void open(String url, String user, String password) {
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration")
                // an H2 file made before the schema was migrated holds V1's tables already
                .baselineOnMigrate(true).baselineVersion("1")
                .load().migrate();
        try {
            db = connect();
        } catch (SQLException e) {
            throw new IllegalStateException("job store " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String nodeId() { return nodeId; }

    @Override
    public synchronized Optional<JobRecord> find(String key) {
        return query("SELECT * FROM jobs WHERE job_key = ?", key).stream().findFirst();
    }

    @Override
    public synchronized Optional<JobRecord> findByOutput(String output) {
        // a delivered name (made or reused) first; else the name a running job plans to move its result to
        Optional<JobRecord> delivered = query("SELECT j.* FROM jobs j JOIN job_outputs o ON o.job_key = j.job_key WHERE o.output = ?",
                output).stream().findFirst();
        if (delivered.isPresent()) return delivered;
        return query("SELECT * FROM jobs WHERE output = ? ORDER BY updated_at DESC", output).stream().findFirst();
    }

    @Override
    public synchronized List<JobRecord> list(JobStatus status, int limit) {
        // job_key breaks ties so that pages of the same second come back in one order on H2 and PostgreSQL
        return status == null
                ? query("SELECT * FROM jobs ORDER BY updated_at DESC, job_key LIMIT ?", Math.max(0, limit))
                : query("SELECT * FROM jobs WHERE status = ? ORDER BY updated_at DESC, job_key LIMIT ?", status.name(), Math.max(0, limit));
    }

    @Override
    public synchronized java.util.Map<JobStatus, Long> countByStatus() {
        java.util.Map<JobStatus, Long> counts = new java.util.EnumMap<>(JobStatus.class);
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status")) {
            while (rs.next()) counts.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
            return counts;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized void saveProgress(String key, int done, int total, double framesPerSecond, Instant started) {
        Timestamp since = Timestamp.from(started);
        int n = update("UPDATE job_progress SET node = ?, frames_done = ?, frames_total = ?, frames_per_second = ?, started_at = ?, "
                + "updated_at = CURRENT_TIMESTAMP WHERE job_key = ?", nodeId, done, total, framesPerSecond, since, key);
        if (n == 0) {
            try {
                update("INSERT INTO job_progress (job_key, node, frames_done, frames_total, frames_per_second, started_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)", key, nodeId, done, total, framesPerSecond, since);
            } catch (IllegalStateException e) {
                if (!isUniqueViolation(e)) throw e; // written by another node a moment ago: the next save updates it
            }
        }
    }

    @Override
    public synchronized void clearProgress(String key) {
        update("DELETE FROM job_progress WHERE job_key = ? AND node = ?", key, nodeId);
    }

    @Override
    public synchronized List<ProgressRecord> progress() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM job_progress")) {
            List<ProgressRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new ProgressRecord(rs.getString("job_key"), rs.getString("node"), rs.getInt("frames_done"), rs.getInt("frames_total"),
                        rs.getDouble("frames_per_second"), instant(rs, "started_at"), instant(rs, "updated_at")));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized void enqueue(String key, String name) {
        if (find(key).isPresent()) return;
        try {
            update("INSERT INTO jobs (job_key, name, status, attempts, created_at, updated_at) VALUES (?, ?, 'QUEUED', 0, ?, ?)",
                    key, name, now(), now());
        } catch (IllegalStateException e) {
            if (!isUniqueViolation(e)) throw e; // another node recorded it between the two statements
        }
    }

    @Override
    public synchronized boolean claim(String key) {
        enqueue(key, key);
        // a quarantined job dropped again is the user asking for a fresh try: its attempts start over
        return update("UPDATE jobs SET status = 'RUNNING', node = ?, lease_until = " + LEASE + ", error = NULL, "
                + "attempts = CASE WHEN status = 'QUARANTINED' THEN 1 ELSE attempts + 1 END, updated_at = ? "
                + "WHERE job_key = ? AND " + CLAIMABLE, nodeId, leaseSeconds, now(), key, nodeId) == 1;
    }

    @Override
    public synchronized Set<String> renew(Collection<String> keys) {
        Set<String> lost = new LinkedHashSet<>();
        for (String key : keys) {
            int n = update("UPDATE jobs SET lease_until = " + LEASE + " WHERE job_key = ? AND node = ? AND status = 'RUNNING'",
                    leaseSeconds, key, nodeId);
            if (n == 0) lost.add(key);
        }
        return lost;
    }

    @Override
    public synchronized void planOutput(String key, String name, String output) {
        update("UPDATE jobs SET name = COALESCE(CAST(? AS VARCHAR(2048)), name), output = ?, updated_at = ? WHERE job_key = ? AND "
                + held(), name, output, now(), key, nodeId);
    }

    /** Only the holder writes; a job nobody ever claimed (tools, tests) may be settled by anyone. */
    private static String held() { return "(node IS NULL OR node = ?)"; }

    @Override
    public synchronized boolean markDone(String key, String output, List<String> deliverables, String s3Prefix, Callback callback) {
        return inTransaction(() -> {
            int n = update("UPDATE jobs SET status = 'DONE', output = ?, error = NULL, lease_until = NULL, updated_at = ? "
                    + "WHERE job_key = ? AND " + held(), output, now(), key, nodeId);
            if (n == 0 && find(key).isEmpty()) {
                // a job no node ever recorded (tools, imports): recorded as done
                n = update("INSERT INTO jobs (job_key, name, status, attempts, output, created_at, updated_at) "
                        + "VALUES (?, ?, 'DONE', 0, ?, ?, ?)", key, output, output, now(), now());
            }
            if (n == 0) return false;
            if (output != null) {
                String name = find(key).map(JobRecord::name).orElse(output);
                if (update("UPDATE job_outputs SET job_key = ?, job_name = ?, reused = FALSE, created_at = ? WHERE output = ?",
                        key, name, now(), output) == 0) {
                    update("INSERT INTO job_outputs (output, job_key, job_name, reused, created_at) VALUES (?, ?, ?, FALSE, ?)",
                            output, key, name, now());
                }
            }
            queueDeliveries(key, deliverables, s3Prefix);
            queue(callback);
            return true;
        });
    }

    @Override
    public synchronized boolean recordReuse(String key, String output, String jobName, List<String> deliverables, String s3Prefix,
                                            Callback callback) {
        return inTransaction(() -> {
            List<String> holder = strings("SELECT job_key FROM job_outputs WHERE output = ?", output);
            if (holder.contains(key)) return false; // delivered under this name already
            if (holder.isEmpty()) {
                update("INSERT INTO job_outputs (output, job_key, job_name, reused, created_at) VALUES (?, ?, ?, TRUE, ?)",
                        output, key, jobName, now());
            } else {
                // the name was another job's, whose file is gone (housekeeping): it is this job's now
                update("UPDATE job_outputs SET job_key = ?, job_name = ?, reused = TRUE, created_at = ? WHERE output = ?",
                        key, jobName, now(), output);
            }
            queueDeliveries(key, deliverables, s3Prefix);
            queue(callback);
            return true;
        });
    }

    @Override
    public synchronized List<JobOutput> outputs(String key) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM job_outputs WHERE job_key = ? ORDER BY created_at, output")) {
            bind(ps, key);
            List<JobOutput> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobOutput(rs.getString("output"), rs.getString("job_key"), rs.getString("job_name"),
                            rs.getBoolean("reused"), rs.getTimestamp("created_at").toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void queueDeliveries(String key, List<String> deliverables, String s3Prefix) {
        for (String path : deliverables) {
            // a redone job's new file must be uploaded again, whatever was there before
            int u = update("UPDATE deliveries SET job_key = ?, status = 'PENDING', attempts = 0, last_error = NULL, "
                    + "next_attempt = 0, etag = NULL, created_at = ?, delivered_at = NULL, s3_prefix = CAST(? AS VARCHAR(1024)), node = ? "
                    + "WHERE path = ?", key, now(), s3Prefix, nodeId, path);
            if (u == 0) {
                update("INSERT INTO deliveries (path, job_key, status, attempts, next_attempt, created_at, s3_prefix, node) "
                        + "VALUES (?, ?, 'PENDING', 0, 0, ?, CAST(? AS VARCHAR(1024)), ?)", path, key, now(), s3Prefix, nodeId);
            }
        }
    }

    private void queue(Callback c) {
        if (c == null) return;
        update("INSERT INTO callbacks (id, event, job_key, job_name, url, body, status, attempts, next_attempt, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, 0, ?)", c.id(), c.event(), c.jobKey(), c.jobName(), c.url(), c.body(),
                Timestamp.from(c.createdAt()));
    }

    /** Runs {@code work} in one transaction: committed when it returns true, rolled back when false or on an error. */
    private boolean inTransaction(java.util.function.BooleanSupplier work) {
        try {
            db.setAutoCommit(false);
            boolean ok = work.getAsBoolean();
            if (ok) db.commit(); else db.rollback();
            return ok;
        } catch (SQLException | RuntimeException e) {
            try { db.rollback(); } catch (SQLException ignored) { /* the connection is gone anyway */ }
            if (e instanceof IllegalStateException ise && isUniqueViolation(ise)) return false; // another node wrote it first
            throw e instanceof IllegalStateException ise ? ise : new IllegalStateException("job store: " + e.getMessage(), e);
        } finally {
            try { db.setAutoCommit(true); } catch (SQLException ignored) { /* next call reports it */ }
        }
    }

    @Override
    public synchronized boolean markFailed(String key, String error) {
        return update("UPDATE jobs SET status = 'FAILED', error = ?, lease_until = NULL, updated_at = ? "
                + "WHERE job_key = ? AND status <> 'DONE' AND " + held(), truncate(error), now(), key, nodeId) == 1;
    }

    @Override
    public synchronized boolean release(String key, String why) {
        return update("UPDATE jobs SET status = 'QUEUED', error = ?, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, "
                // FAILED too: the claim's own failure handling (the idempotent consumer's remove) marks it first
                + "node = NULL, lease_until = NULL, updated_at = ? WHERE job_key = ? AND status IN ('RUNNING','FAILED') AND " + held(),
                truncate(why), now(), key, nodeId) == 1;
    }

    @Override
    public synchronized boolean reachable() {
        reconnectIfBroken();
        try (PreparedStatement ps = db.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            broken = true;
            reconnectIfBroken();
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized boolean markQuarantined(String key, String error, Callback callback) {
        return inTransaction(() -> {
            if (update("UPDATE jobs SET status = 'QUARANTINED', error = ?, lease_until = NULL, updated_at = ? "
                    + "WHERE job_key = ? AND " + held(), truncate(error), now(), key, nodeId) != 1) return false;
            queue(callback);
            return true;
        });
    }

    @Override
    public synchronized boolean reopen(String key) {
        return update("UPDATE jobs SET status = 'QUEUED', attempts = 0, error = NULL, node = NULL, lease_until = NULL, "
                + "updated_at = ? WHERE job_key = ?", now(), key) == 1;
    }

    @Override
    public synchronized boolean tryLock(String name, int seconds) {
        int n = update("UPDATE locks SET node = ?, until_at = " + LEASE + " WHERE name = ? AND (node = ? OR until_at < CURRENT_TIMESTAMP)",
                nodeId, seconds, name, nodeId);
        if (n == 1) return true;
        try {
            return update("INSERT INTO locks (name, node, until_at) VALUES (?, ?, " + LEASE + ")", name, nodeId, seconds) == 1;
        } catch (IllegalStateException e) {
            if (isUniqueViolation(e)) return false; // held by another node
            throw e;
        }
    }

    @Override
    public synchronized void unlock(String name) {
        update("DELETE FROM locks WHERE name = ? AND node = ?", name, nodeId);
    }

    @Override
    public synchronized void heartbeat(String host, long pid, String home) {
        // a new pid under the same id is the node started again: its start time is now
        int n = update("UPDATE nodes SET started_at = CASE WHEN pid <> ? THEN CURRENT_TIMESTAMP ELSE started_at END, "
                + "host = ?, pid = ?, home = ?, last_seen = CURRENT_TIMESTAMP WHERE node_id = ?", pid, host, pid, home, nodeId);
        if (n == 0) {
            try {
                update("INSERT INTO nodes (node_id, host, pid, home, started_at, last_seen) "
                        + "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", nodeId, host, pid, home);
            } catch (IllegalStateException e) {
                if (!isUniqueViolation(e)) throw e;
            }
        }
    }

    @Override
    public synchronized List<NodeRecord> liveNodes(int withinSeconds) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM nodes WHERE last_seen >= CURRENT_TIMESTAMP - "
                + "CAST(? AS INTEGER) * INTERVAL '1' SECOND ORDER BY started_at")) {
            bind(ps, withinSeconds);
            List<NodeRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new NodeRecord(rs.getString("node_id"), rs.getString("host"), rs.getLong("pid"), rs.getString("home"),
                            instant(rs, "started_at"), instant(rs, "last_seen")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized List<DeliveryRecord> dueDeliveries(long nowMillis, int limit) {
        return dueDeliveries(nowMillis, limit, false);
    }

    @Override
    public synchronized List<DeliveryRecord> dueDeliveries(long nowMillis, int limit, boolean queuedHere) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM deliveries WHERE status = 'PENDING' AND next_attempt <= ? "
                + (queuedHere ? "AND node = ? " : "") + "ORDER BY created_at LIMIT ?")) {
            if (queuedHere) {
                bind(ps, nowMillis, nodeId, limit);
            } else {
                bind(ps, nowMillis, limit);
            }
            List<DeliveryRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DeliveryRecord(rs.getString("path"), rs.getString("job_key"), rs.getInt("attempts"),
                            rs.getString("last_error"), "DELIVERED".equals(rs.getString("status")), rs.getString("s3_prefix")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized long pendingDeliveries() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized long pendingDeliveries(String jobKey) {
        try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING' AND job_key = ?")) {
            bind(ps, jobKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized void markDelivered(String path, String etag) {
        update("UPDATE deliveries SET status = 'DELIVERED', etag = ?, last_error = NULL, delivered_at = ? WHERE path = ?", etag, now(), path);
    }

    @Override
    public synchronized void deliveryFailed(String path, String error, long nextAttemptMillis) {
        update("UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE path = ?",
                truncate(error), nextAttemptMillis, path);
    }

    @Override
    public synchronized Optional<DeliveryRecord> delivered(String path) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM deliveries WHERE path = ? AND status = 'DELIVERED'")) {
            bind(ps, path);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new DeliveryRecord(rs.getString("path"), rs.getString("job_key"), rs.getInt("attempts"),
                        rs.getString("last_error"), true, rs.getString("s3_prefix")));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized boolean isDelivered(String path) {
        try (PreparedStatement ps = db.prepareStatement("SELECT status FROM deliveries WHERE path = ?")) {
            bind(ps, path);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "DELIVERED".equals(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized List<Callback> dueCallbacks(long nowMillis, int limit) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM callbacks WHERE status = 'PENDING' AND next_attempt <= ? "
                + "ORDER BY created_at LIMIT ?")) {
            bind(ps, nowMillis, limit);
            List<Callback> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Callback(rs.getString("id"), rs.getString("event"), rs.getString("job_key"), rs.getString("job_name"),
                            rs.getString("url"), rs.getString("body"), rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized long pendingCallbacks() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM callbacks WHERE status = 'PENDING'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized void callbackSent(String id) {
        update("UPDATE callbacks SET status = 'SENT', attempts = attempts + 1, last_error = NULL, sent_at = ? WHERE id = ?", now(), id);
    }

    @Override
    public synchronized void callbackFailed(String id, String error, long nextAttemptMillis) {
        update("UPDATE callbacks SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?",
                truncate(error), nextAttemptMillis, id);
    }

    @Override
    public synchronized void callbackAbandoned(String id, String error) {
        update("UPDATE callbacks SET status = 'GAVE_UP', attempts = attempts + 1, last_error = ? WHERE id = ?", truncate(error), id);
    }

    @Override
    public synchronized void close() {
        try {
            if (db != null) db.close();
        } catch (SQLException ignored) {
            // closing; every transition was already committed
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private static Timestamp now() { return Timestamp.from(Instant.now()); }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static boolean isUniqueViolation(IllegalStateException e) {
        return e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState());
    }

    private IllegalStateException failure(SQLException e) {
        broken |= NodeFault.storeUnreachable(e);
        reconnectIfBroken();
        return new IllegalStateException("job store: " + e.getMessage(), e);
    }

    /**
     * A database restart (PostgreSQL) breaks the connection: the next call gets a new one. An embedded H2 file
     * that could not be written (a full disk) closes itself, yet its old connection still says it is valid: a
     * failure that shows the store itself broken ({@link #broken}) replaces the connection, which reopens the file.
     */
    private void reconnectIfBroken() {
        try {
            if (db != null && !broken && db.isValid(2)) return;
            if (db != null) {
                try {
                    db.close();
                } catch (SQLException ignored) {
                    // closing a connection to a database that closed itself
                }
            }
            db = connect();
            broken = false;
        } catch (SQLException ignored) {
            // still unreachable: the next call tries again and reports its own error
        }
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<String> strings(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<JobRecord> query(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            List<JobRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobRecord(rs.getString("job_key"), rs.getString("name"), JobStatus.valueOf(rs.getString("status")),
                            rs.getInt("attempts"), rs.getString("error"), rs.getString("output"),
                            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                            rs.getString("node"), instant(rs, "lease_until")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
    }
}
