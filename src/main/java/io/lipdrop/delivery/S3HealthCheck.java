package io.lipdrop.delivery;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** DOWN, with the reason, while results cannot be delivered to the bucket. */
public final class S3HealthCheck extends AbstractHealthCheck {
    private final DeliveryProblems problems;
    private final String target;

    public S3HealthCheck(DeliveryProblems problems, String target) {
        super("lipdrop", "s3");
        this.problems = problems;
        this.target = target;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("target", target);
        String problem = problems.current();
        if (problem == null) {
            builder.up();
        } else {
            builder.message("S3 delivery failing: " + problem).down();
        }
    }
}
