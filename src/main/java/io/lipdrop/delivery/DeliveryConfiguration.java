package io.lipdrop.delivery;

import io.lipdrop.RouteContract;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.metrics.LipDropMetrics;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;

/**
 * The delivery route's beans (routes/delivery.yaml), only when a bucket is set. On a shared outbox the route is a
 * master route: with several nodes one of them uploads, from the shared outbox, what the ledger in the shared store
 * lists. In bucket mode every node uploads what it queued itself.
 */
public final class DeliveryConfiguration implements CamelConfiguration {
    private final S3Client client;
    private final DeliveryProblems problems;
    private final Deliveries deliveries;
    private final S3HealthCheck health;

    public DeliveryConfiguration(S3Settings s3, DeliveryQueue store, Path outbox, LipDropMetrics metrics) {
        this(s3, store, outbox, metrics, false);
    }

    /** @param ownOutbox bucket mode: each node uploads what its own outbox holds */
    public DeliveryConfiguration(S3Settings s3, DeliveryQueue store, Path outbox, LipDropMetrics metrics, boolean ownOutbox) {
        this.client = S3ClientFactory.create(s3);
        this.problems = new DeliveryProblems(s3);
        this.deliveries = new Deliveries(store, client, s3, outbox, problems, metrics, ownOutbox);
        this.health = new S3HealthCheck(problems, s3.describe());
    }

    @BindToRegistry(RouteContract.S3_CLIENT)
    public S3Client client() { return client; }

    @BindToRegistry("deliveryProblems")
    public DeliveryProblems problems() { return problems; }

    @BindToRegistry(RouteContract.DELIVERIES)
    public Deliveries deliveries() { return deliveries; }

    @BindToRegistry("s3HealthCheck")
    public S3HealthCheck health() { return health; }
}
