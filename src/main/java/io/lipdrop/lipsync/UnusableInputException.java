package io.lipdrop.lipsync;

import java.nio.file.Path;

/**
 * An input that can never produce a video (no audio stream, no face, unreadable container).
 * Retrying does not help, so the pipeline quarantines it at once with {@link #reason()} and {@link #advice()}.
 */
public class UnusableInputException extends RuntimeException {
    private final transient Path file;
    private final String reason;
    private final String advice;

    public UnusableInputException(Path file, String reason, String advice) {
        this(file, reason, advice, null);
    }

    public UnusableInputException(Path file, String reason, String advice, Throwable cause) {
        super(file.getFileName() + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
        this.advice = advice;
    }

    public Path file() { return file; }
    public String reason() { return reason; }
    public String advice() { return advice; }
}
