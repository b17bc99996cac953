package io.lipdrop.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresServerTest {

    @Test
    void startsAPrivateServerWithIsolatedDatabasesAndRemovesItOnClose() throws Exception {
        Path dir;
        String url;
        try (PostgresServer pg = PostgresServer.start()) {
            dir = pg.directory();
            url = pg.jdbcUrl();
            assertNotEquals(5432, pg.port(), "never the system cluster's port");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
                String version = one(c, "SELECT version()");
                System.out.println("PostgresServer: " + version + " on port " + pg.port());
                assertTrue(version.startsWith("PostgreSQL "), version);
                assertEquals("127.0.0.1", one(c, "SHOW listen_addresses"));
                assertTrue(Files.exists(dir.resolve(".s.PGSQL." + pg.port())), "the socket is in the private directory");
                assertEquals("lipdrop", one(c, "SELECT current_user"));
            }
            assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "wrong"),
                    "passwords are checked");

            String a = pg.newDatabase("iso_a");
            String b = pg.newDatabase("iso_b");
            try (Connection ca = DriverManager.getConnection(a, pg.user(), pg.password());
                 Connection cb = DriverManager.getConnection(b, pg.user(), pg.password())) {
                assertEquals("iso_a", one(ca, "SELECT current_database()"));
                assertEquals("iso_b", one(cb, "SELECT current_database()"));
                try (Statement s = ca.createStatement()) {
                    s.execute("CREATE TABLE t (v TEXT)");
                    s.execute("INSERT INTO t VALUES ('only in a')");
                }
                assertEquals("only in a", one(ca, "SELECT v FROM t"));
                assertEquals("f", one(cb, "SELECT CASE WHEN to_regclass('public.t') IS NULL THEN 'f' ELSE 't' END"),
                        "a table made in one database is not in the other");
            }
            assertThrows(IllegalStateException.class, () -> pg.newDatabase("iso_a"), "a name is fresh or refused");
            assertThrows(IllegalArgumentException.class, () -> pg.newDatabase("x; DROP DATABASE lipdrop"));
        }
        assertFalse(Files.exists(dir), "close() deletes the server's directory");
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "lipdrop", "x"), "close() stops the server");
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            assertTrue(r.next(), sql);
            return r.getString(1);
        }
    }
}
