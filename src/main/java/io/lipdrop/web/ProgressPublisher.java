package io.lipdrop.web;

import io.lipdrop.job.JobProgress;
import io.lipdrop.job.SharedProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Copies this node's progress board into the store, so that the jobs page on any node sharing the store shows how
 * far this node's jobs have got. Called by the job-progress timer route (routes/jobs.yaml, every
 * lipdrop.jobs.progress-millis) on every node, for that node's own jobs: the engine's progress callback never waits
 * for the database, and a store that is briefly unreachable only makes the other pages lag.
 */
public final class ProgressPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressPublisher.class);

    private final JobProgress board;
    private final SharedProgress store;
    private final Set<String> published = new HashSet<>();

    ProgressPublisher(JobProgress board, SharedProgress store) {
        this.board = board;
        this.store = store;
    }

    /** One copy of the board into the store; the jobs no longer on it are cleared there. */
    public void publish() {
        try {
            Set<String> now = new HashSet<>();
            for (JobProgress.Entry e : board.all()) {
                if (e.total() <= 0) continue;
                store.saveProgress(e.key(), e.done(), e.total(), e.framesPerSecond(), e.started());
                now.add(e.key());
            }
            for (String gone : published) if (!now.contains(gone)) store.clearProgress(gone);
            published.clear();
            published.addAll(now);
        } catch (RuntimeException e) {
            LOG.debug("progress not shared this time: {}", e.toString());
        }
    }
}
