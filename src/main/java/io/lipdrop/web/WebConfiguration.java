package io.lipdrop.web;

import io.lipdrop.RouteContract;
import io.lipdrop.delivery.DownloadLinks;
import io.lipdrop.job.DeliveryQueue;
import io.lipdrop.job.ClusterNodes;
import io.lipdrop.job.JobLedger;
import io.lipdrop.job.JobProgress;
import io.lipdrop.job.SharedProgress;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The jobs page and its API on the management server (camel.management.host/port, beside /observe/health):
 * mounted on that server's Vert.x router once Camel has started it. Java rather than platform-http routes:
 * those serve on camel.server's port, and the page needs to stream uploads to disk and answer Range requests.
 */
public final class WebConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(WebConfiguration.class);

    private final WebSettings web;
    private final WebRoutes routes;
    private final ProgressPublisher publisher;
    private final DownloadLinks links;
    private final BucketFolders folders;

    /**
     * @param store   the parts of the job store the page reads: the jobs, every node's progress, the live nodes, the
     *                delivery ledger (bucket mode)
     * @param data    where the local API token (data/api.token) is kept when lipdrop.api.token is not set
     * @param tooDeep the inbox files nested too deep to be taken (intake's DeepDrops), shown on the page
     * @param links   bucket mode (lipdrop.intake.source=s3): the bucket the results are served from by presigned links;
     *                null in folder mode, where they are served from this node's outbox
     * @param bucketInbox   bucket mode: the bucket's inbox prefix (lipdrop.s3.inbox-prefix), where uploads and redos put
     *                      drops; null in folder mode
     * @param bucketArchive bucket mode: the bucket's archive prefix (lipdrop.s3.archive-prefix), where redos find inputs and
     *                      the quarantine view its reports; null in folder mode
     */
    public <S extends JobLedger & SharedProgress & ClusterNodes & DeliveryQueue> WebConfiguration(WebSettings web, S store, JobProgress progress,
                            Path inbox, Path outbox, Path archive, Path data, int liveWithinSeconds, java.util.function.Supplier<java.util.List<String>> tooDeep,
                            DownloadLinks links, String bucketInbox, String bucketArchive) {
        this.web = web;
        this.links = links;
        // the bucket's inbox and archive, by a client of the page's own (closed with Camel, as the links' is)
        this.folders = links == null ? null : new BucketFolders(links.settings(), bucketInbox, bucketArchive);
        this.publisher = new ProgressPublisher(progress, store);
        QuarantineReports quarantine = new QuarantineReports(archive, inbox, folders);
        BucketOutbox bucket = links == null ? null : new BucketOutbox(store, links);
        JobsApi api = new JobsApi(store, progress, quarantine, outbox, inbox, liveWithinSeconds, web, tooDeep, bucket, folders);
        // data/api.token is made (or read) only when the API is served
        ApiTokens tokens = web.enabled() ? ApiTokens.forService(web, data) : null;
        this.routes = new WebRoutes(web, tokens, api, new Uploads(inbox, folders), quarantine,
                new Redo(store, outbox, archive, inbox, bucket, folders), outbox, bucket);
    }

    /** The routes, for a test to mount on a router of its own. */
    WebRoutes routes() { return routes; }

    /**
     * Called by the job-progress route (routes/jobs.yaml) on every node, also one that shows no page: the other nodes'
     * pages show this node's jobs.
     */
    @BindToRegistry(RouteContract.PROGRESS_PUBLISHER)
    public ProgressPublisher progressPublisher() { return publisher; }

    @Override
    public void configure(CamelContext camel) throws Exception {
        if (links != null) {
            // the presigner's and the S3 client's connections close with Camel
            camel.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    links.close();
                    folders.close();
                }
            });
        }
        if (!web.enabled()) {
            LOG.info("jobs page off: camel.management.enabled is false");
            return;
        }
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // the management server's router exists once the context is fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(web.port()));
                if (router == null) {
                    LOG.error("jobs page: no HTTP server on port {} to serve it from (camel.management.port)", web.port());
                    return;
                }
                routes.mount(router);
                LOG.info("jobs page at http://{}:{}/{}", web.host(), web.port(), web.tokenRequired() ? " (token required)" : "");
            }
        });
    }
}
