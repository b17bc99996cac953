package io.lipdrop.web;

/**
 * A request LipDrop turns down, with what the user needs to fix it: the file it is about (when there is one),
 * the reason in plain words, what to do, and the HTTP status.
 */
public final class BadRequest extends RuntimeException {
    private final int status;
    private final String file;
    private final String advice;

    public BadRequest(int status, String file, String reason, String advice) {
        super(reason);
        this.status = status;
        this.file = file;
        this.advice = advice;
    }

    public int status() { return status; }
    public String file() { return file; }
    public String advice() { return advice; }
}
