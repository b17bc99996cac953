package io.lipdrop.job;

import java.io.IOException;
import java.nio.file.Path;

/** Brings a delivered result file back from the bucket into this node's outbox (bucket mode), for a duplicate's reuse. */
@FunctionalInterface
public interface ResultFetcher {
    ResultFetcher NONE = (path, s3Prefix, target) -> {
        throw new IOException("no bucket to fetch outbox/" + path + " from");
    };

    /** Writes the object of outbox-relative {@code path} (under {@code s3Prefix}; null: the node's) to {@code target}, atomically. */
    void fetch(String path, String s3Prefix, Path target) throws IOException;
}
