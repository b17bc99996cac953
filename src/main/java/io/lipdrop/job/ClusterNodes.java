package io.lipdrop.job;

import java.util.List;

/** The nodes sharing the store: each records itself alive now and then, so the others can list the live ones. */
public interface ClusterNodes {
    /** Records this node as alive now (host, pid, home). */
    void heartbeat(String host, long pid, String home);

    /** Nodes seen within the last {@code withinSeconds}, this one included. */
    List<NodeRecord> liveNodes(int withinSeconds);
}
