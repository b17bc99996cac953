package io.lipdrop.job;

/**
 * This node's lease on a job ran out (it stalled, or lost the database for longer than the lease) and
 * another node took the job over: this node's result is thrown away, the other node's stands.
 */
public final class ClaimLostException extends RuntimeException {
    public ClaimLostException(String job, String holder) {
        super("the claim of " + job + " was lost to node " + holder + " (its lease expired); this node's result is discarded");
    }
}
