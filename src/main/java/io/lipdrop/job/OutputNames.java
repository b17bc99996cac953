package io.lipdrop.job;

import java.nio.file.Path;

/**
 * The names a job's files take in the outbox, in one place: the runner writes them, intake checks them when it finishes
 * a drop, the jobs page and redo read them.
 */
public final class OutputNames {
    private OutputNames() {}

    /** The name a job's result takes when its own is another job's: {@code anna.<key8>.mp4}. */
    public static String alternativeName(String wanted, String key) {
        return wanted.substring(0, wanted.length() - 4) + "." + key.substring(0, 8) + ".mp4";
    }

    /** The report beside a video: {@code anna.mp4} -> {@code anna.report.json}. */
    public static Path reportPath(Path video) {
        String n = video.getFileName().toString();
        return video.resolveSibling(n.substring(0, n.length() - 4) + ".report.json");
    }
}
