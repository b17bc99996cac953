package io.lipdrop.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * A periodic reader of the job store (the callbacks every second, the deliveries every few) while the store is
 * away: one WARN when it first fails and one INFO when it answers again, and nothing to do meanwhile. Without it
 * each poll ended in a stack trace from Camel's error handler: a log growing by hundreds of KB a second.
 */
public final class QuietStoreReads {
    private static final Logger LOG = LoggerFactory.getLogger(QuietStoreReads.class);
    private final String what;
    private volatile boolean failing;

    /** @param what who reads, as the log says it ("completion callbacks") */
    public QuietStoreReads(String what) { this.what = what; }

    public <T> T read(Supplier<T> read, T whileAway) {
        try {
            T result = read.get();
            if (failing) LOG.info("{}: the job store answers again", what);
            failing = false;
            return result;
        } catch (RuntimeException e) {
            if (!failing) LOG.warn("{}: the job store cannot be read ({}); waiting for it quietly", what, e.getMessage());
            failing = true;
            return whileAway;
        }
    }
}
