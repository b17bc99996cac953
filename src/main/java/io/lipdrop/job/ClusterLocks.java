package io.lipdrop.job;

/** Named locks with an expiry, for work one node must do once (finishing a drop). */
public interface ClusterLocks {
    /** Takes the lock for this node unless another node holds it unexpired. */
    boolean tryLock(String name, int seconds);

    void unlock(String name);
}
