package io.lipdrop.ops;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.cluster.FileLockClusterService;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster service behind LipDrop's master routes (housekeeping of the shared folders, S3 delivery):
 * Camel's {@link FileLockClusterService} on a folder every node shares. The nodes share a file system for
 * the inbox, outbox and archive anyway, so a lock file there elects the leader with nothing else to run,
 * and it was written for network storage (timeouts on every cluster read and write, a leader heartbeat so a
 * stale lock is taken over). A leader killed with kill -9 loses its lock with its process (on NFSv4 when
 * its lock lease runs out); another node takes over once the leader's heartbeat in the folder is stale
 * (five lock intervals of 10 s, so within about a minute).
 */
public final class ClusterConfiguration implements CamelConfiguration {
    private final Path folder;
    private final String nodeId;
    private volatile FileLockClusterService service;

    public ClusterConfiguration(Path folder, String nodeId) {
        this.folder = folder;
        this.nodeId = nodeId;
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        Files.createDirectories(folder);
        FileLockClusterService s = new FileLockClusterService();
        s.setId(nodeId);
        s.setRoot(folder.toString());
        camel.addService(s);
        service = s;
    }

    /** True while this node leads the namespace (or before the cluster service exists: a lone node). */
    public boolean leads(String namespace) {
        FileLockClusterService s = service;
        if (s == null) return true;
        try {
            return s.getView(namespace).getLocalMember().isLeader();
        } catch (Exception e) {
            return false;
        }
    }
}
