package io.lipdrop.jobs;

import io.lipdrop.secrets.SecretFile;
import org.h2.tools.Server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The job store for one machine, in an embedded H2 file ({@code data/jobs.mv.db}). WRITE_DELAY=0 makes each
 * commit reach the file before the call returns, so a kill -9 cannot lose a transition. DB_CLOSE_ON_EXIT=FALSE:
 * on SIGTERM, jobs in flight finish and must still be recorded, so H2's own shutdown hook must not close the
 * database under them (LipDrop closes it at the end of its graceful stop). The service also serves the
 * database on a loopback TCP port (in {@code data/jobs.port}), so {@code bin/lipdrop redo} and
 * {@code housekeeping} can use it while the service runs. User lipdrop's password is the random secret in
 * {@code data/jobs.secret} (owner-only, like data/ itself): any local user can reach the port, and H2's SQL can run
 * Java code (CREATE ALIAS), so only the service's own user (and root) may log in. TRACE_LEVEL_FILE=0: no
 * jobs.trace.db, which H2 would otherwise let grow without bound on errors.
 */
public final class H2JobStore extends JdbcJobStore {
    private static final String OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0";
    private static final String USER = "lipdrop";
    /** One machine: a crashed run's claims are this node's own and are taken back at once, whatever the lease. */
    public static final String LOCAL_NODE = "local";

    private final Path file;
    private final Path portFile;
    private final String url;
    private final String password;
    private final Server server;

    /** Opens the store for a command line tool: through the running service if there is one, else the file. */
    public H2JobStore(Path dataDir) {
        this(dataDir, false);
    }

    /** @param serve true for the service: open the file and serve it to the command line tools */
    public H2JobStore(Path dataDir, boolean serve) {
        this(dataDir, serve, LOCAL_NODE, Duration.ofSeconds(60));
    }

    public H2JobStore(Path dataDir, boolean serve, String nodeId, Duration lease) {
        super(nodeId, lease);
        this.file = dataDir.resolve("jobs").toAbsolutePath();
        this.portFile = dataDir.resolve("jobs.port");
        try {
            SecretFile.ownerOnlyFolder(dataDir);
            this.password = SecretFile.readOrCreate(dataDir.resolve("jobs.secret"));
            String viaService = serve ? null : serviceUrl();
            this.url = viaService != null ? viaService : "jdbc:h2:file:" + file + OPTIONS;
            if (viaService == null) EmptyPasswordMigration.apply(url, USER, password);
            // loopback only (no -tcpAllowOthers); -ifExists and -baseDir: no other database can be made or opened through it
            this.server = serve ? Server.createTcpServer("-tcpPort", String.valueOf(freePort()), "-tcpDaemon", "-ifExists",
                    "-baseDir", dataDir.toAbsolutePath().toString()).start() : null;
            if (server != null) Files.writeString(portFile, server.getPort() + "\n");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open the job store in " + dataDir + ": " + e.getMessage(), e);
        }
        open(url, USER, password);
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url, USER, password);
    }

    /** The running service's TCP URL, when it answers; else null (the file itself is free). */
    private String serviceUrl() {
        try {
            if (!Files.exists(portFile)) return null;
            int port = Integer.parseInt(Files.readString(portFile).trim());
            String tcp = "jdbc:h2:tcp://127.0.0.1:" + port + "/" + file + OPTIONS;
            DriverManager.getConnection(tcp, USER, password).close();
            return tcp;
        } catch (SQLException | IOException | NumberFormatException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String describe() { return "H2 file " + file + (url.startsWith("jdbc:h2:tcp:") ? " through the service's port" : ""); }

    @Override
    public synchronized void close() {
        super.close();
        if (server != null) {
            server.stop();
            try {
                Files.deleteIfExists(portFile);
            } catch (IOException ignored) {
                // a stale port file is harmless: the next connection attempt fails and the file is used
            }
        }
    }
}
