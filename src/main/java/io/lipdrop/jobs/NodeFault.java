package io.lipdrop.jobs;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.ReadOnlyFileSystemException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * A failure of this machine, not of the input: the disk is full, a folder LipDrop writes to is not writable,
 * or the job store cannot be reached. Retrying the same input cannot help until the condition clears, and
 * counting it as an attempt would end in quarantine with a good file blamed. {@link #of} tells one apart from
 * the input's own failures by the exception chain: Java's file-system exceptions, FFmpeg's errno (javacv says
 * {@code error -28} for ENOSPC) and the job store's SQL states.
 */
public record NodeFault(Kind kind, String detail) {
    public enum Kind {
        DISK_FULL("the disk is full"),
        NOT_WRITABLE("a folder LipDrop writes to is not writable"),
        STORE_UNREACHABLE("the job store cannot be reached");

        private final String summary;

        Kind(String summary) { this.summary = summary; }

        public String summary() { return summary; }
    }

    /** What the log, health and the job's record say: the kind and the error that showed it. */
    public String message() { return kind.summary + " (" + detail + ")"; }

    /** The node fault behind {@code failure}, if its chain shows one; empty for a failure of the input itself. */
    public static Optional<NodeFault> of(Throwable failure) {
        Optional<NodeFault> first = Optional.empty();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<NodeFault> f = one(t);
            // a full disk anywhere in the chain is the cause, even under the store's own error for it
            if (f.isPresent() && f.get().kind() == Kind.DISK_FULL) return f;
            if (first.isEmpty()) first = f;
        }
        return first;
    }

    private static Optional<NodeFault> one(Throwable t) {
        String m = t.getMessage() == null ? "" : t.getMessage();
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left on device") || lower.contains("disk quota exceeded") || ffmpegErrno(lower, 28)
                || ffmpegErrno(lower, 122)) {
            return Optional.of(new NodeFault(Kind.DISK_FULL, brief(t)));
        }
        if (t instanceof AccessDeniedException || t instanceof ReadOnlyFileSystemException
                || t instanceof FileSystemException && (lower.contains("read-only file system") || lower.contains("permission denied"))
                || lower.contains("read-only file system") || ffmpegErrno(lower, 13) || ffmpegErrno(lower, 30)) {
            return Optional.of(new NodeFault(Kind.NOT_WRITABLE, brief(t)));
        }
        if (t instanceof SQLException sql && storeUnreachable(sql)) {
            return Optional.of(new NodeFault(Kind.STORE_UNREACHABLE, brief(t)));
        }
        return Optional.empty();
    }

    /** javacv reports FFmpeg's negative errno: "avio_open() error -13", "av_interleaved_write_frame() error -28 while ...". */
    private static boolean ffmpegErrno(String lower, int errno) {
        return lower.matches("(?s).*\\berror -" + errno + "\\b.*");
    }

    /**
     * A store that is away or broken, not a statement the input made fail: connection (08), resources such as a
     * full disk (53), operator intervention (57), system errors (58), and H2's own codes for a closed database,
     * an I/O error, a broken connection and a full disk. Data (22), integrity (23) and syntax (42) errors are not
     * the machine's.
     */
    static boolean storeUnreachable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("58")) return true;
        return switch (e.getErrorCode()) {
            // H2: DATABASE_IS_CLOSED, IO_EXCEPTION_1, IO_EXCEPTION_2, CONNECTION_BROKEN_1, NO_DISK_SPACE_AVAILABLE,
            // DATABASE_CALLED_AT_SHUTDOWN, FILE_CORRUPTED_1, GENERAL_ERROR_1 (MVStore's write failures)
            case 90098, 90028, 90031, 90067, 90100, 90121, 90030, 50000 -> true;
            default -> false;
        };
    }

    private static String brief(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        int nl = m.indexOf('\n');
        if (nl > 0) m = m.substring(0, nl);
        return m.length() > 300 ? m.substring(0, 297) + "..." : m;
    }
}
