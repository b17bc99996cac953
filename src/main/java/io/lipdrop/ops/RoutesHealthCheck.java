package io.lipdrop.ops;

import io.lipdrop.RouteContract;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.List;
import java.util.Map;

/**
 * DOWN, naming the route and its file, while a route LipDrop needs ({@link RouteContract#requiredRoutes}) is missing
 * (taken out of its file, renamed, its file deleted) or not started ({@link RouteContract#missingRoutes}). Camel's own
 * route checks only cover the routes that exist, so without this a route that is gone leaves health UP.
 */
public final class RoutesHealthCheck extends AbstractHealthCheck {
    private final boolean delivery;

    /** @param delivery whether S3 delivery is on (then the delivery route is needed too) */
    public RoutesHealthCheck(boolean delivery) {
        super("lipdrop", "routes");
        this.delivery = delivery;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext camel = getCamelContext();
        builder.detail("required", String.join(",", RouteContract.requiredRoutes(delivery)));
        if (camel == null) {
            builder.message("not attached to a Camel context").down();
            return;
        }
        List<String> problems = RouteContract.missingRoutes(camel, delivery);
        if (problems.isEmpty()) builder.up();
        else builder.message(String.join("; ", problems)).down();
    }
}
