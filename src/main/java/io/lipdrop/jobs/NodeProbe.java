package io.lipdrop.jobs;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Looks at the machine the way a job would use it: every folder LipDrop writes to takes a file, has at least
 * {@code minFreeBytes} free, and the job store answers. The first problem found, or empty when a job could run.
 */
public final class NodeProbe {
    private final Map<String, Path> folders;
    private final long minFreeBytes;
    private final JobStore store;

    /** @param folders name (as messages say it) and path of each folder LipDrop writes to */
    public NodeProbe(Map<String, Path> folders, long minFreeBytes, JobStore store) {
        this.folders = Map.copyOf(folders);
        this.minFreeBytes = minFreeBytes;
        this.store = store;
    }

    public Optional<NodeFault> problem() {
        for (Map.Entry<String, Path> f : new java.util.TreeMap<>(folders).entrySet()) {
            Path dir = f.getValue();
            try {
                FileStore fs = Files.getFileStore(dir);
                long free = fs.getUsableSpace();
                // a small disk is asked for a twentieth of its size at most, or it could never resume
                long needed = Math.min(minFreeBytes, fs.getTotalSpace() / 20);
                if (free < needed) {
                    return Optional.of(new NodeFault(NodeFault.Kind.DISK_FULL, f.getKey() + "/ has " + mb(free) + " MB free, "
                            + mb(needed) + " MB needed (lipdrop.disk.min-free-mb)"));
                }
                Path probe = Files.createTempFile(dir, ".probe", ".tmp");
                try {
                    Files.write(probe, new byte[4096]); // a file system can take a name with no block left for data
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException e) {
                NodeFault seen = NodeFault.of(e).orElse(new NodeFault(NodeFault.Kind.NOT_WRITABLE, String.valueOf(e.getMessage())));
                return Optional.of(new NodeFault(seen.kind(), f.getKey() + "/: " + seen.detail()));
            }
        }
        return store.reachable() ? Optional.empty()
                : Optional.of(new NodeFault(NodeFault.Kind.STORE_UNREACHABLE, store.describe() + " does not answer"));
    }

    private static long mb(long bytes) { return bytes / (1024 * 1024); }
}
