package io.lipdrop.ops;

import io.lipdrop.job.NodeRecord;
import io.lipdrop.jobs.JobStore;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * This node's id, the job store it uses and the other live nodes sharing it (bin/lipdrop status prints them).
 * DOWN when the store cannot be reached: no job can be claimed or settled then.
 */
public final class NodesHealthCheck extends AbstractHealthCheck {
    private final JobStore store;
    private final int liveWithinSeconds;

    public NodesHealthCheck(JobStore store, int liveWithinSeconds) {
        super("lipdrop", "nodes");
        this.store = store;
        this.liveWithinSeconds = liveWithinSeconds;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("node", store.nodeId());
        builder.detail("store", store.describe());
        try {
            List<NodeRecord> live = store.liveNodes(liveWithinSeconds);
            String others = live.stream().filter(n -> !n.id().equals(store.nodeId()))
                    .map(n -> n.id() + " (" + n.host() + ", pid " + n.pid() + ")").collect(Collectors.joining(", "));
            builder.detail("otherNodes", others.isEmpty() ? "none" : others);
            builder.message("node " + store.nodeId() + ", other live nodes: " + (others.isEmpty() ? "none" : others));
            builder.up();
        } catch (RuntimeException e) {
            builder.message("job store " + store.describe() + " unreachable: " + e.getMessage()).down();
        }
    }
}
