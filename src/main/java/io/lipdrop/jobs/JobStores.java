package io.lipdrop.jobs;

import io.lipdrop.Settings;
import io.lipdrop.files.ContentHasher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Opens the job store the settings name: the embedded H2 file in {@code data/} for one machine, or the
 * PostgreSQL database in {@code lipdrop.store.url} that several nodes share. User and password come from
 * the settings or the environment (LIPDROP_STORE_USER, LIPDROP_STORE_PASSWORD) and are never logged.
 */
public final class JobStores {
    private JobStores() {}

    /** @param serve the service (true) serves an H2 file to the command line tools; a tool (false) uses the service's */
    public static JobStore open(Settings s, boolean serve) {
        String url = s.get("lipdrop.store.url");
        Duration lease = Duration.ofSeconds(s.getLong("lipdrop.store.lease-seconds"));
        String node = nodeId(s);
        if (url.isEmpty()) return new H2JobStore(s.folder("data"), serve, node, lease);
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("lipdrop.store.url must be empty (the embedded H2 file) or jdbc:postgresql://host:port/database, not "
                    + url.replaceAll("\\?.*", ""));
        }
        return new PostgresJobStore(url, s.get("lipdrop.store.user"), s.get("lipdrop.store.password"), node, lease);
    }

    /**
     * This node's id: {@code lipdrop.node.id}, else the host name and a hash of the home folder. Stable across
     * restarts, so a node that crashed and came back takes its own running jobs back at once.
     */
    public static String nodeId(Settings s) {
        String id = s.get("lipdrop.node.id");
        if (!id.isEmpty()) return id;
        String home = s.home().toString();
        return NodeHeartbeat.hostName() + "-" + ContentHasher.sha256(home.getBytes(StandardCharsets.UTF_8)).substring(0, 6);
    }

    /** How long a node may go unseen before status stops listing it: three missed heartbeats. */
    public static int liveWithinSeconds(Settings s) {
        return (int) Math.max(3, s.getLong("lipdrop.store.lease-seconds"));
    }
}
