package io.lipdrop.job;

/**
 * How a node's results reach the other nodes. On a shared outbox (folder mode) every node sees every result as soon
 * as it is moved there. In bucket mode a result stays in the outbox of the node that made it until that node has
 * uploaded it: until then it is not finished for the others, and if that node is gone for good (no heartbeat within
 * {@code liveWithinSeconds}) it is lost with its disk and must be made again. Once uploaded, another node reuses it
 * for a duplicate by fetching it from the bucket ({@code fetcher}).
 */
public record ResultSharing(boolean inBucket, int liveWithinSeconds, ResultFetcher fetcher) {
    public static final ResultSharing SHARED_OUTBOX = new ResultSharing(false, 0, ResultFetcher.NONE);

    public static ResultSharing bucket(int liveWithinSeconds, ResultFetcher fetcher) {
        return new ResultSharing(true, liveWithinSeconds, fetcher);
    }
}
