package io.lipdrop.web;

import io.lipdrop.delivery.DownloadLinks;
import io.lipdrop.job.DeliveryQueue;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox as the page sees it in bucket mode (lipdrop.intake.source=s3): a result is usually made on another
 * node, so what counts is the store's delivery ledger (the file is confirmed in the bucket), not this node's own
 * outbox folder. Paths are outbox-relative and already checked by {@link SafePaths}.
 */
public final class BucketOutbox {
    private static final long REMEMBER_MILLIS = 60_000;
    private final DeliveryQueue deliveries;
    private final DownloadLinks links;

    /** A file known delivered for one version (updatedAt) of its job, when it was looked up. */
    private record Known(String key, Instant jobVersion, long checkedAt) {}

    // The page asks for the list every 0.5 to 5 s, and each done job has up to four files: looking each up in the store
    // every time would keep the store (which the nodes share) busy. A job made again has a new updatedAt and its
    // files are queued again: so a delivered file is remembered for its job's version, and for a minute at most (the
    // bucket's purge may remove it). Files not delivered yet are not remembered: their link shows as soon as they are.
    private final Map<String, Known> known = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > 4 * JobsApi.MAX_LIMIT;
        }
    });

    public BucketOutbox(DeliveryQueue deliveries, DownloadLinks links) {
        this.deliveries = deliveries;
        this.links = links;
    }

    /** The object key of the file at {@code relative} once it is delivered: the prefix is the one it was uploaded under. */
    public Optional<String> key(String relative) {
        return deliveries.delivered(relative).map(d -> links.settings().keyFor(d.s3Prefix(), relative));
    }

    /**
     * {@link #key}, for listing the file of a done job whose record was last changed at {@code jobVersion}: remembered
     * a while (a download asks {@link #key} itself).
     */
    public Optional<String> listedKey(String relative, Instant jobVersion) {
        long now = System.currentTimeMillis();
        Known k = known.get(relative);
        if (k != null && k.jobVersion().equals(jobVersion) && now - k.checkedAt() < REMEMBER_MILLIS) return Optional.of(k.key());
        Optional<String> key = key(relative);
        if (key.isPresent()) known.put(relative, new Known(key.get(), jobVersion, now));
        else known.remove(relative);
        return key;
    }

    /** A delivered file's bytes from the bucket; empty when it is not delivered or the object is gone (purged). */
    public Optional<byte[]> read(String relative, long maxBytes) {
        return key(relative).flatMap(k -> links.read(k, maxBytes));
    }

    /** The object at {@code key}'s bytes; empty when it is gone. */
    public Optional<byte[]> readKey(String key, long maxBytes) {
        return links.read(key, maxBytes);
    }

    public URI link(String key, boolean head) {
        return head ? links.presignedHead(key) : links.presignedGet(key);
    }

    /** Where the links lead, for the page's Content-Security-Policy (media-src). */
    public String origin() {
        return links.origin();
    }
}
