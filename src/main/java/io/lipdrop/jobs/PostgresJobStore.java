package io.lipdrop.jobs;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The job store shared by several nodes: {@code lipdrop.store.url=jdbc:postgresql://host:5432/lipdrop}. The
 * schema is created and migrated at start (Flyway serialises nodes starting together with an advisory lock).
 */
public final class PostgresJobStore extends JdbcJobStore {
    private final String url;
    private final String user;
    private final String password;

    public PostgresJobStore(String url, String user, String password, String nodeId, Duration lease) {
        super(nodeId, lease);
        this.url = url;
        this.user = user;
        this.password = password;
        open(url, user, password);
    }

    @Override
    protected Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null && !user.isBlank()) p.setProperty("user", user);
        if (password != null && !password.isEmpty()) p.setProperty("password", password);
        p.setProperty("ApplicationName", "lipdrop " + nodeId());
        // a dead server must not hang a job transition forever
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(url, p);
    }

    /** The URL without its query (which may carry a password). */
    @Override
    public String describe() {
        int q = url.indexOf('?');
        return "PostgreSQL " + (q < 0 ? url : url.substring(0, q)).replaceFirst("^jdbc:postgresql://", "");
    }
}
