package io.lipdrop.bucket;

import io.lipdrop.RouteContract;
import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.job.IntakeGate;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import java.nio.file.Path;

/** The bucket intake route's bean (routes/bucket-intake.yaml), only in bucket mode (lipdrop.intake.source=s3). */
public final class BucketConfiguration implements CamelConfiguration {
    private final BucketInbox inbox;

    public BucketConfiguration(S3Settings s3, BucketSettings bucket, Path inbox, Path archive, Path work, Path data,
                               IntakeGate gate) {
        this.inbox = new BucketInbox(S3ClientFactory.create(s3), s3.bucket(), bucket, inbox, archive, work, data, gate);
    }

    @BindToRegistry(RouteContract.BUCKET_INBOX)
    public BucketInbox inbox() { return inbox; }
}
