package io.lipdrop.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL server for a test class: started before its first test, stopped after its last; each test
 * takes a fresh database from it ({@link PostgresServer#newDatabase}).
 * <pre>
 * &#64;RegisterExtension static final PostgresPerClass POSTGRES = new PostgresPerClass();
 * </pre>
 */
public final class PostgresPerClass implements BeforeAllCallback, AfterAllCallback {
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) { server = PostgresServer.start(); }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) server.close();
        server = null;
    }

    /** The running server. */
    public PostgresServer server() {
        if (server == null) throw new IllegalStateException("PostgreSQL is started before the class's first test");
        return server;
    }
}
