package io.lipdrop.ops;

import io.lipdrop.jobs.NodePause;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** DOWN, saying why, while a fault of the machine (full disk, unwritable folder, store away) holds this node's work. */
public final class NodePauseHealthCheck extends AbstractHealthCheck {
    private final NodePause pause;

    public NodePauseHealthCheck(NodePause pause) {
        super("lipdrop", "paused");
        this.pause = pause;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        pause.reason().ifPresentOrElse(
                why -> builder.message("paused: " + why + "; new drops wait in the inbox, LipDrop resumes by itself when it clears").down(),
                builder::up);
    }
}
