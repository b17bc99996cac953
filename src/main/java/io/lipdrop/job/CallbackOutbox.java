package io.lipdrop.job;

import java.util.List;

/** Completion callbacks: queued with the outcomes, sent by one node, each marked sent after a 2xx. */
public interface CallbackOutbox {
    /** Callbacks to send whose next attempt is due, oldest first. */
    List<Callback> dueCallbacks(long nowMillis, int limit);

    long pendingCallbacks();

    void callbackSent(String id);

    void callbackFailed(String id, String error, long nextAttemptMillis);

    /** Given up: refused for good (a 4xx) or failing for longer than allowed. Kept, with the reason. */
    void callbackAbandoned(String id, String error);
}
