package io.lipdrop.jobs;

import org.h2.api.ErrorCode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Gives an H2 job store made by an older LipDrop (user lipdrop, empty password) the secret password, once: when
 * the secret is refused as a wrong password, the empty one is tried and, if it opens the database, replaced.
 */
final class EmptyPasswordMigration {
    private EmptyPasswordMigration() {}

    static void apply(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return; // already protected, or a new database just made with the secret
        } catch (SQLException e) {
            if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) throw e;
        }
        try (Connection c = DriverManager.getConnection(url, user, "");
             PreparedStatement ps = c.prepareStatement("ALTER USER " + user + " SET PASSWORD ?")) {
            ps.setString(1, password);
            ps.execute();
        }
        org.slf4j.LoggerFactory.getLogger(EmptyPasswordMigration.class)
                .info("job store: user {} now has the password in data/jobs.secret (it had none)", user);
    }
}
