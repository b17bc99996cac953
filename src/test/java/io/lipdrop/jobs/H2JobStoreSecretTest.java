package io.lipdrop.jobs;

import org.h2.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The H2 store's TCP port, which every local user can reach, lets in only who can read data/jobs.secret. */
class H2JobStoreSecretTest {
    @TempDir Path data;

    @Test
    void theServedPortRefusesTheEmptyPasswordAndTheToolsStillUseIt() throws Exception {
        try (H2JobStore service = new H2JobStore(data, true)) {
            int port = Integer.parseInt(Files.readString(data.resolve("jobs.port")).strip());
            String tcp = "jdbc:h2:tcp://127.0.0.1:" + port + "/" + data.resolve("jobs").toAbsolutePath();
            // what any local user could do before: log in without a password and make SQL run Java
            SQLException refused = assertThrows(SQLException.class, () -> {
                try (Connection c = DriverManager.getConnection(tcp, "lipdrop", "");
                     Statement st = c.createStatement()) {
                    st.execute("CREATE ALIAS GETPROP FOR 'java.lang.System.getProperty'");
                }
            });
            assertEquals(ErrorCode.WRONG_USER_OR_PASSWORD, refused.getErrorCode(), refused.toString());
            assertThrows(SQLException.class, () -> DriverManager.getConnection(tcp, "sa", "").close());

            // bin/lipdrop redo and housekeeping open the store this way (JobStores.open(settings, false)) beside the service
            try (H2JobStore tool = new H2JobStore(data)) {
                // in one JVM the file itself would open too: the port's use is seen in describe()
                assertTrue(tool.describe().endsWith("through the service's port"), tool.describe());
                tool.enqueue("a".repeat(64), "from-the-tool.mp4");
            }
            assertTrue(service.find("a".repeat(64)).isPresent(), "the tool wrote through the service's port");

            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("jobs.secret"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            assertEquals(64, Files.readString(data.resolve("jobs.secret")).strip().length(), "32 random bytes as hex");
        }
        assertFalse(Files.exists(data.resolve("jobs.trace.db")), "no trace file");
    }

    @Test
    void aDatabaseMadeWithTheEmptyPasswordIsGivenTheSecretOnce() throws Exception {
        String file = "jdbc:h2:file:" + data.resolve("jobs").toAbsolutePath();
        // the store as LipDrop made it before: its schema, user lipdrop with no password
        org.flywaydb.core.Flyway.configure().dataSource(file, "lipdrop", "").locations("classpath:db/migration").load().migrate();
        try (Connection old = DriverManager.getConnection(file, "lipdrop", ""); Statement st = old.createStatement()) {
            st.execute("CREATE TABLE made_before (x INT)");
            st.execute("INSERT INTO made_before VALUES (7)");
        }
        try (H2JobStore service = new H2JobStore(data, true)) {
            service.enqueue("b".repeat(64), "after.mp4");
        }
        try (H2JobStore again = new H2JobStore(data, true)) {
            assertTrue(again.find("b".repeat(64)).isPresent());
        }
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(file, "lipdrop", "").close());
        assertEquals(ErrorCode.WRONG_USER_OR_PASSWORD, e.getErrorCode());
        String secret = Files.readString(data.resolve("jobs.secret")).strip();
        try (Connection c = DriverManager.getConnection(file, "lipdrop", secret); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT x FROM made_before")) {
            assertTrue(rs.next());
            assertEquals(7, rs.getInt(1), "the old data is kept");
        }
    }
}
