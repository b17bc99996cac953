package io.lipdrop.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A completion callback in the store's queue: written with the job's outcome, sent later by the notify
 * route. {@code id} is fixed when the outcome is recorded, so every attempt carries the same delivery id.
 *
 * @param event   done, duplicate or quarantined
 * @param body    the exact JSON that is posted (and signed)
 */
public record Callback(String id, String event, String jobKey, String jobName, String url, String body, int attempts,
                       Instant createdAt) {

    public static Callback of(String event, String jobKey, String jobName, String url, String body) {
        return new Callback(UUID.randomUUID().toString(), event, jobKey, jobName, url, body, 0, Instant.now());
    }
}
