package io.lipdrop.web;

import io.lipdrop.delivery.DownloadLinks;
import io.lipdrop.job.DeliveryQueue;

import java.net.URI;
import java.util.Optional;

/**
 * The outbox as the page sees it in bucket mode (lipdrop.intake.source=s3): a result is usually made on another
 * node, so what counts is the store's delivery ledger (the file is confirmed in the bucket), not this node's own
 * outbox folder. Paths are outbox-relative and already checked by {@link SafePaths}.
 */
public final class BucketOutbox {
    private final DeliveryQueue deliveries;
    private final DownloadLinks links;

    public BucketOutbox(DeliveryQueue deliveries, DownloadLinks links) {
        this.deliveries = deliveries;
        this.links = links;
    }

    /** The object key of the file at {@code relative} once it is delivered: the prefix is the one it was uploaded under. */
    public Optional<String> key(String relative) {
        return deliveries.delivered(relative).map(d -> links.settings().keyFor(d.s3Prefix(), relative));
    }

    public boolean delivered(String relative) {
        return deliveries.isDelivered(relative);
    }

    /** A delivered file's bytes from the bucket; empty when it is not delivered or the object is gone (purged). */
    public Optional<byte[]> read(String relative, long maxBytes) {
        return key(relative).flatMap(k -> links.read(k, maxBytes));
    }

    public URI link(String key, boolean head) {
        return head ? links.presignedHead(key) : links.presignedGet(key);
    }

    /** Where the links lead, for the page's Content-Security-Policy (media-src). */
    public String origin() {
        return links.origin();
    }
}
