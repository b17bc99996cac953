package io.lipdrop.job;

import java.util.List;

/** Live progress of running jobs, shared so that every node's jobs page shows every node's. */
public interface SharedProgress {
    /** Records how far this node has got with a job (replacing what it wrote before). */
    void saveProgress(String key, int done, int total, double framesPerSecond, java.time.Instant started);

    /** Forgets a job's progress (it ended on this node). */
    void clearProgress(String key);

    /** Every node's progress rows. */
    List<ProgressRecord> progress();
}
