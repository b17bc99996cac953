package io.lipdrop.web;

import io.vertx.core.Handler;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Set;

/**
 * While the server listens on loopback, every request on it (the page, /api, /files and Camel's /observe) must
 * name this machine in its Host: a page whose DNS name was pointed at 127.0.0.1 (DNS rebinding) is otherwise
 * same-origin with it and could read health (paths, node id) and metrics. Mounted first on the router.
 */
final class LoopbackHosts implements Handler<RoutingContext> {
    /** Before Camel's own routes on the management router, which take the default orders from 0 up. */
    static final int ORDER = -1_000_000;
    private static final Set<String> NAMES = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final int port;
    private final String configured;

    /** @param configured camel.management.host, also accepted: bin/lipdrop status asks for it (data/health.url) */
    LoopbackHosts(int port, String configured) {
        this.port = port;
        this.configured = configured.toLowerCase(Locale.ROOT);
    }

    boolean allowed(HostAndPort authority) {
        if (authority == null) return false;
        String host = authority.host().toLowerCase(Locale.ROOT);
        return NAMES.contains(host) || host.equals(configured);
    }

    @Override
    public void handle(RoutingContext ctx) {
        // authority(): the Host header in HTTP/1.1, the :authority of an HTTP/2 request (Java's client upgrades to h2c)
        if (allowed(ctx.request().authority())) {
            ctx.next();
        } else {
            WebRoutes.error(ctx, 403, null, "this server answers requests for 127.0.0.1 or localhost only",
                    "Open http://127.0.0.1:" + port + "/");
        }
    }
}
