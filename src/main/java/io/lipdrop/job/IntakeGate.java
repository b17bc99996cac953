package io.lipdrop.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whether this node takes new drops: open unless something holds it (the disk above its high mark, a node
 * fault). The inbox filter asks it on every poll, so holding it takes effect at the next poll, from any thread,
 * without suspending the intake route (a route suspended from one of its own jobs would wait for that job).
 * Drops already taken finish; new ones wait in the inbox, where nothing is lost.
 */
public final class IntakeGate {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeGate.class);
    private final Set<String> holds = new LinkedHashSet<>();

    /** Holds intake for {@code reason}; true if this reason was not holding it already. */
    public synchronized boolean hold(String reason) {
        boolean added = holds.add(reason);
        if (added) LOG.debug("intake held: {}", reason);
        return added;
    }

    public synchronized boolean release(String reason) { return holds.remove(reason); }

    public synchronized boolean isOpen() { return holds.isEmpty(); }

    public synchronized Set<String> holds() { return Set.copyOf(holds); }
}
