package io.lipdrop.ops;

import io.lipdrop.job.ClusterLocks;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * The cluster service behind LipDrop's master routes (housekeeping of the shared folders, S3 delivery, callbacks):
 * a lease row per route namespace in the job store's database ({@link DatabaseClusterService}). Every node of a
 * cluster shares that database already, so nothing else is run or shared (Camel's file-lock service needed a folder
 * every node mounts and replaced a killed leader only after about a minute); a killed leader is replaced once its
 * lease ({@code lipdrop.cluster.lease-seconds}, 30 s) has run out, a stopped one at the next node's next try.
 */
public final class ClusterConfiguration implements CamelConfiguration {
    private final String nodeId;
    private final ClusterLocks locks;
    private final int leaseSeconds;
    private volatile DatabaseClusterService service;

    public ClusterConfiguration(String nodeId, ClusterLocks locks, int leaseSeconds) {
        this.nodeId = nodeId;
        this.locks = locks;
        this.leaseSeconds = leaseSeconds;
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        DatabaseClusterService s = new DatabaseClusterService(nodeId, locks, leaseSeconds);
        camel.addService(s);
        service = s;
    }

    /** True while this node leads the namespace (or before the cluster service exists: a lone node). */
    public boolean leads(String namespace) {
        DatabaseClusterService s = service;
        return s == null || s.leads(namespace);
    }
}
