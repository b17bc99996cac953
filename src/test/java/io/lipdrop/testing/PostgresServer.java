package io.lipdrop.testing;

import io.lipdrop.files.FileTrees;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real, private PostgreSQL server for the tests: its own initdb in a temporary directory under /tmp, on a
 * free loopback port, its socket in that directory, so it never touches a system cluster (Debian's
 * {@code /var/lib/postgresql/N/main} on port 5432). Run as root, the server runs as the {@code postgres} OS
 * user, since initdb and postgres refuse root. Password authentication (scram) throughout, as in production.
 * <pre>
 * try (PostgresServer pg = PostgresServer.start()) {
 *     String url = pg.newDatabase("claims");   // a fresh database per test
 *     DriverManager.getConnection(url, pg.user(), pg.password());
 * }
 * </pre>
 */
public final class PostgresServer implements AutoCloseable {
    private static final String SUPERUSER = "postgres";
    private static final String USER = "lipdrop";
    private static final String DATABASE = "lipdrop";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final Path dir;
    private final Path bin;
    private final Optional<String> runAs;
    private final String superPassword = secret();
    private final String password = secret();
    private int port;
    private boolean running;
    private Thread stopAtExit;

    private PostgresServer(Path dir, Path bin, Optional<String> runAs) {
        this.dir = dir;
        this.bin = bin;
        this.runAs = runAs;
    }

    /** Starts a fresh server with a database {@code lipdrop} owned by user {@code lipdrop}. */
    public static PostgresServer start() {
        Path bin = binaries();
        // initdb and postgres refuse to run as root: as root, run them as the postgres OS user
        Optional<String> runAs = isRoot() ? Optional.of(SUPERUSER) : Optional.empty();
        Path dir;
        try {
            // /tmp, not java.io.tmpdir: the postgres user must be able to reach it
            dir = Files.createTempDirectory(Path.of("/tmp"), "lipdrop-pg-");
        } catch (IOException e) {
            throw new IllegalStateException("PostgresServer: cannot create a directory under /tmp: " + e, e);
        }
        PostgresServer pg = new PostgresServer(dir, bin, runAs);
        try {
            pg.init();
            pg.startServer();
            pg.createUserAndDatabase();
            return pg;
        } catch (RuntimeException | Error e) {
            pg.close();
            throw e;
        }
    }

    public String jdbcUrl() { return url(DATABASE); }

    public String user() { return USER; }

    public String password() { return password; }

    public int port() { return port; }

    /** The server's directory (data, socket, logs); deleted by {@link #close()}. */
    public Path directory() { return dir; }

    /** Creates an empty database owned by {@link #user()} and returns its JDBC URL. */
    public String newDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + NAME + ": " + name);
        }
        superuser("CREATE DATABASE \"" + name + "\" OWNER " + USER);
        return url(name);
    }

    /**
     * Stops the server as a crash would (pg_ctl -m immediate), keeping what was committed (a checkpoint first:
     * this server runs with synchronous_commit off): {@link #restart} brings it back on its port.
     */
    public synchronized void halt() {
        superuser("CHECKPOINT");
        stop();
    }

    /** Starts a halted server again, same data, same port. */
    public synchronized void restart() {
        if (stopAtExit != null) {
            try { Runtime.getRuntime().removeShutdownHook(stopAtExit); } catch (IllegalStateException exiting) { /* hook runs */ }
        }
        startServer(port);
    }

    /** Stops the server at once (its data is thrown away) and deletes its directory. Safe to call twice. */
    @Override
    public synchronized void close() {
        stop();
        if (stopAtExit != null) {
            try { Runtime.getRuntime().removeShutdownHook(stopAtExit); } catch (IllegalStateException exiting) { /* hook runs */ }
            stopAtExit = null;
        }
        delete(dir);
    }

    // --- setup

    private void init() {
        try {
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, superPassword + "\n");
            if (runAs.isPresent()) {
                chown(dir, runAs.get());
                chown(pwfile, runAs.get());
            }
            // C locale: initdb must not depend on which locales the machine has generated
            pg(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                    "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"), 120);
            Files.delete(pwfile);
            Files.writeString(data().resolve("postgresql.conf"), String.join("\n",
                    "",
                    "# LipDrop tests: loopback TCP only, the socket in this private directory (never /var/run/postgresql)",
                    "listen_addresses = '127.0.0.1'",
                    "unix_socket_directories = '" + dir + "'",
                    "max_connections = 300",
                    "# throwaway data: durability costs time and nothing else here",
                    "fsync = off",
                    "synchronous_commit = off",
                    "full_page_writes = off",
                    ""), java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("PostgresServer: " + e, e);
        }
    }

    private void startServer() { startServer(0); }

    /** @param fixedPort the port to listen on, 0: a free one */
    private void startServer(int fixedPort) {
        stopAtExit = new Thread(this::stop, "postgres-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit); // a test run that dies without close()
        IllegalStateException last = null;
        // a free port can be taken by someone else before the server binds it: try a few
        for (int attempt = 0; attempt < 5; attempt++) {
            port = fixedPort > 0 ? fixedPort : freePort();
            running = true;
            try {
                pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log").toString(),
                        "-w", "-t", "120", "-o", "-p " + port, "start"), 150);
                return;
            } catch (IllegalStateException e) {
                last = e;
                stop(); // pg_ctl may have given up waiting on a server that still came up
                if (!e.getMessage().contains("Address already in use")) break;
            }
        }
        throw last;
    }

    private void createUserAndDatabase() {
        superuser("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
        superuser("CREATE DATABASE " + DATABASE + " OWNER " + USER);
    }

    private synchronized void stop() {
        if (!running) return;
        running = false;
        if (!Files.exists(data().resolve("postmaster.pid"))) return; // never came up, or already gone
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "-t", "60", "stop"), 90);
        } catch (IllegalStateException e) {
            System.err.println("PostgresServer: stop failed: " + e.getMessage());
        }
    }

    private void superuser(String sql) {
        try (Connection c = DriverManager.getConnection(url("postgres"), SUPERUSER, superPassword);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgresServer: " + sql.replace(password, "***") + ": " + e.getMessage(), e);
        }
    }

    private String url(String database) { return "jdbc:postgresql://127.0.0.1:" + port + "/" + database; }

    private Path data() { return dir.resolve("data"); }

    // --- processes

    /** Runs a PostgreSQL program (as the postgres user when root); its output goes to a file, shown on failure. */
    private void pg(List<String> command, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        runAs.ifPresent(user -> cmd.addAll(asUser(user)));
        cmd.addAll(command);
        Path out = dir.resolve("command.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()) // a cwd the postgres user can enter
                .redirectErrorStream(true).redirectOutput(out.toFile());
        // PGPORT, PGDATA, PGHOST... from the caller's shell must not steer pg_ctl to another cluster
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(failure(command, "timed out after " + timeoutSeconds + " s", out));
            }
            if (p.exitValue() != 0) throw new IllegalStateException(failure(command, "exit " + p.exitValue(), out));
        } catch (IOException e) {
            throw new IllegalStateException("PostgresServer: cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("PostgresServer: interrupted running " + command.get(0), e);
        }
    }

    private String failure(List<String> command, String why, Path out) {
        return "PostgresServer: " + Path.of(command.get(0)).getFileName() + " " + command.get(command.size() - 1) + " failed ("
                + why + "):\n" + tail(out) + tail(dir.resolve("server.log"));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())) + "\n";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** runuser (util-linux, root only), else setpriv. */
    private static List<String> asUser(String user) {
        for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser")) {
            if (Files.isExecutable(Path.of(runuser))) return List.of(runuser, "-u", user, "--");
        }
        for (String setpriv : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(setpriv))) {
                return List.of(setpriv, "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
            }
        }
        throw new IllegalStateException("PostgresServer: running as root, and neither runuser nor setpriv (util-linux) "
                + "is here to run PostgreSQL as the " + user + " user (PostgreSQL refuses root)");
    }

    // --- the machine

    /** {@code pg_config --bindir}, else the newest /usr/lib/postgresql/N/bin; either must hold initdb. */
    static Path binaries() {
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            // libpq-dev's pg_config (client only) may name a directory without the server programs
            if (p.waitFor() == 0 && Files.isExecutable(Path.of(out, "initdb"))) return Path.of(out);
        } catch (IOException notInstalled) {
            // fall through to Debian's layout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingDouble(PostgresServer::version));
            if (newest.isPresent()) return newest.get();
        } catch (IOException noDir) {
            // reported below
        }
        throw new IllegalStateException("PostgreSQL is not installed: no initdb from `pg_config --bindir` or under "
                + "/usr/lib/postgresql/*/bin. The tests start their own server: install Debian's postgresql package "
                + "(apt-get install postgresql); the system service need not run");
    }

    private static double version(Path bin) {
        try {
            return Double.parseDouble(bin.getParent().getFileName().toString()); // 15, 16, 9.6
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void chown(Path path, String user) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner;
        try {
            owner = users.lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("PostgresServer: running as root, PostgreSQL must run as the OS user '" + user
                    + "', which does not exist; install Debian's postgresql package (it creates that user)", e);
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(owner);
        try {
            GroupPrincipal group = users.lookupPrincipalByGroupName(user);
            view.setGroup(group);
        } catch (UserPrincipalNotFoundException noGroup) {
            // the owner is what PostgreSQL checks
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("PostgresServer: no free loopback port: " + e, e);
        }
    }

    private static String secret() {
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 24; i++) s.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
        return s.toString();
    }

    private static void delete(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException | RuntimeException e) { // best effort: it is under /tmp
            System.err.println("PostgresServer: could not delete " + dir + ": " + e);
        }
    }
}
