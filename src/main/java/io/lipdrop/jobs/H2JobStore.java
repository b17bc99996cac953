package io.lipdrop.jobs;

import org.h2.tools.Server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job store in an embedded H2 database ({@code data/jobs.mv.db}). WRITE_DELAY=0 makes each commit reach
 * the file before the call returns, so a kill -9 cannot lose a transition. DB_CLOSE_ON_EXIT=FALSE: on
 * SIGTERM, jobs in flight finish and must still be recorded, so H2's own shutdown hook must not close the
 * database under them (LipDrop closes it at the end of its graceful stop). The service also serves the
 * database on a loopback TCP port (in {@code data/jobs.port}), so {@code bin/lipdrop redo} and
 * {@code housekeeping} can use it while the service runs. One connection, used under a lock: job
 * transitions are rare next to the seconds a video takes.
 */
public final class H2JobStore implements JobStore {
    private static final String OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    private final Connection db;
    private final Server server;
    private final Path portFile;

    /** Opens the store for a command line tool: through the running service if there is one, else the file. */
    public H2JobStore(Path dataDir) {
        this(dataDir, false);
    }

    /** @param serve true for the service: open the file and serve it to the command line tools */
    public H2JobStore(Path dataDir, boolean serve) {
        Path file = dataDir.resolve("jobs").toAbsolutePath();
        this.portFile = dataDir.resolve("jobs.port");
        try {
            java.nio.file.Files.createDirectories(dataDir);
            Connection viaService = serve ? null : connectToService(file);
            db = viaService != null ? viaService : DriverManager.getConnection("jdbc:h2:file:" + file + OPTIONS, "lipdrop", "");
            if (serve) {
                server = Server.createTcpServer("-tcpPort", String.valueOf(freePort()), "-tcpDaemon", "-ifExists").start();
                java.nio.file.Files.writeString(portFile, server.getPort() + "\n");
            } else {
                server = null;
            }
            try (Statement s = db.createStatement()) {                s.execute("""
                        CREATE TABLE IF NOT EXISTS jobs (
                          job_key VARCHAR(64) PRIMARY KEY,
                          name VARCHAR(2048) NOT NULL,
                          status VARCHAR(16) NOT NULL,
                          attempts INT NOT NULL DEFAULT 0,
                          error VARCHAR(4000),
                          output VARCHAR(4096),
                          created_at TIMESTAMP NOT NULL,
                          updated_at TIMESTAMP NOT NULL)""");
                s.execute("CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS deliveries (
                          path VARCHAR(4096) PRIMARY KEY,
                          job_key VARCHAR(64) NOT NULL,
                          status VARCHAR(16) NOT NULL,
                          attempts INT NOT NULL DEFAULT 0,
                          last_error VARCHAR(4000),
                          next_attempt BIGINT NOT NULL,
                          etag VARCHAR(128),
                          created_at TIMESTAMP NOT NULL,
                          delivered_at TIMESTAMP)""");
                s.execute("CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_attempt)");
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the job store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private Connection connectToService(Path file) {
        try {
            if (!java.nio.file.Files.exists(portFile)) return null;
            int port = Integer.parseInt(java.nio.file.Files.readString(portFile).trim());
            return DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + port + "/" + file + OPTIONS, "lipdrop", "");
        } catch (SQLException | java.io.IOException | NumberFormatException e) {
            return null; // no service running: the file itself is free
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized Optional<JobRecord> find(String key) {
        return query("SELECT * FROM jobs WHERE job_key = ?", key).stream().findFirst();
    }

    @Override
    public synchronized Optional<JobRecord> findByOutput(String output) {
        return query("SELECT * FROM jobs WHERE output = ? ORDER BY updated_at DESC", output).stream().findFirst();
    }

    @Override
    public synchronized void enqueue(String key, String name) {
        update("MERGE INTO jobs t USING (VALUES (CAST(? AS VARCHAR))) s(k) ON t.job_key = s.k "
                + "WHEN NOT MATCHED THEN INSERT (job_key, name, status, attempts, created_at, updated_at) "
                + "VALUES (?, ?, 'QUEUED', 0, ?, ?)", key, key, name, now(), now());
    }

    @Override
    public synchronized boolean claim(String key, String name, boolean force) {
        enqueue(key, name);
        String allowed = force ? "('QUEUED','FAILED','QUARANTINED','RUNNING')" : "('QUEUED','FAILED','QUARANTINED')";
        // a quarantined job dropped again is the user asking for a fresh try: its attempts start over
        return update("UPDATE jobs SET status = 'RUNNING', name = ?, error = NULL, "
                + "attempts = CASE WHEN status = 'QUARANTINED' THEN 1 ELSE attempts + 1 END, updated_at = ? "
                + "WHERE job_key = ? AND status IN " + allowed, name, now(), key) == 1;
    }

    @Override
    public synchronized void planOutput(String key, String output) {
        update("UPDATE jobs SET output = ?, updated_at = ? WHERE job_key = ?", output, now(), key);
    }

    @Override
    public synchronized void markDone(String key, String output, List<String> deliverables) {
        try {
            db.setAutoCommit(false);
            update("UPDATE jobs SET status = 'DONE', output = ?, error = NULL, updated_at = ? WHERE job_key = ?", output, now(), key);
            for (String path : deliverables) {
                // a redone job's new file must be uploaded again, whatever was there before
                update("MERGE INTO deliveries (path, job_key, status, attempts, last_error, next_attempt, etag, created_at, delivered_at) "
                        + "KEY (path) VALUES (?, ?, 'PENDING', 0, NULL, 0, NULL, ?, NULL)", path, key, now());
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            try { db.rollback(); } catch (SQLException ignored) { /* the connection is gone anyway */ }
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        } finally {
            try { db.setAutoCommit(true); } catch (SQLException ignored) { /* next call reports it */ }
        }
    }

    @Override
    public synchronized List<DeliveryRecord> dueDeliveries(long nowMillis, int limit) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM deliveries WHERE status = 'PENDING' AND next_attempt <= ? "
                + "ORDER BY created_at LIMIT ?")) {
            bind(ps, nowMillis, limit);
            List<DeliveryRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(delivery(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized long pendingDeliveries() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM deliveries WHERE status = 'PENDING'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
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
    public synchronized boolean isDelivered(String path) {
        return deliveryStatus(path).map("DELIVERED"::equals).orElse(false);
    }

    private Optional<String> deliveryStatus(String path) {
        try (PreparedStatement ps = db.prepareStatement("SELECT status FROM deliveries WHERE path = ?")) {
            bind(ps, path);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private static DeliveryRecord delivery(ResultSet rs) throws SQLException {
        return new DeliveryRecord(rs.getString("path"), rs.getString("job_key"), rs.getInt("attempts"),
                rs.getString("last_error"), "DELIVERED".equals(rs.getString("status")));
    }

    @Override
    public synchronized void markFailed(String key, String error) {
        update("UPDATE jobs SET status = 'FAILED', error = ?, updated_at = ? WHERE job_key = ? AND status <> 'DONE'",
                truncate(error), now(), key);
    }

    @Override
    public synchronized void markQuarantined(String key, String error) {
        update("UPDATE jobs SET status = 'QUARANTINED', error = ?, updated_at = ? WHERE job_key = ?", truncate(error), now(), key);
    }

    @Override
    public synchronized boolean reopen(String key) {
        return update("UPDATE jobs SET status = 'QUEUED', attempts = 0, error = NULL, updated_at = ? WHERE job_key = ?", now(), key) == 1;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private static Timestamp now() { return Timestamp.from(Instant.now()); }

    private int update(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
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
                            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing; every transition was already committed
        }
        if (server != null) {
            server.stop();
            try {
                java.nio.file.Files.deleteIfExists(portFile);
            } catch (java.io.IOException ignored) {
                // a stale port file is harmless: the next connection attempt fails and the file is used
            }
        }
    }
}
