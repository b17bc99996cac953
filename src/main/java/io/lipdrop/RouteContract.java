package io.lipdrop;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * What the YAML routes in {@code routes/} and the Java code share: bean names, the job-key header and
 * the route ids LipDrop looks up. Users may edit the routes, so these are checked at start-up and by the
 * routes health check: a renamed bean or route gives one error that names it instead of a silent stall.
 */
public final class RouteContract {
    private RouteContract() {}

    // route ids
    public static final String INTAKE_ROUTE = "intake";
    public static final String JOB_ROUTE = "job";
    public static final String HOUSEKEEPING_ROUTE = "housekeeping";
    public static final String DISK_WATERMARK_ROUTE = "disk-watermark";
    public static final String DELIVERY_ROUTE = "delivery";
    public static final String NOTIFY_ROUTE = "notify";
    /** Resumes a node paused by a fault of the machine once it clears (routes/jobs.yaml). */
    public static final String NODE_FAULTS_ROUTE = "node-faults";
    /** Shares this node's running jobs' progress through the job store, for every node's jobs page (routes/jobs.yaml). */
    public static final String JOB_PROGRESS_ROUTE = "job-progress";
    /** Takes drops from the bucket into this node's inbox, and its finished inputs into the bucket's archive (bucket mode). */
    public static final String BUCKET_INTAKE_ROUTE = "bucket-intake";

    /** The content key of the job in the message (set by {@link #JOB_KEYS}, read by the idempotent consumer and the beans). */
    public static final String JOB_KEY_HEADER = "LipDropJobKey";

    // beans the routes call by name
    public static final String INBOX_FILTER = "inboxFilter";
    public static final String DROP_PLANNER = "dropPlanner";
    public static final String JOB_KEYS = "jobKeys";
    public static final String JOB_REPOSITORY = "jobRepository";
    public static final String JOB_RUNNER = "jobRunner";
    public static final String JOB_OUTCOMES = "jobOutcomes";
    public static final String QUARANTINE = "quarantine";
    public static final String ARCHIVER = "archiver";
    /** Files too deep in the inbox to be taken ({@code io.lipdrop.intake.DeepDrops}). */
    public static final String DEEP_DROPS = "deepDrops";
    public static final String HOUSEKEEPER = "housekeeper";
    public static final String DISK_WATERMARK = "diskWatermark";
    public static final String NODE_PAUSE = "nodePause";
    public static final String DELIVERIES = "deliveries";
    public static final String S3_CLIENT = "s3Client";
    /** The bucket as the drop folder ({@code io.lipdrop.bucket.BucketInbox}), in bucket mode only. */
    public static final String BUCKET_INBOX = "bucketInbox";
    /** Posts the completion callbacks queued in the job store (routes/notify.yaml). */
    public static final String CALLBACK_SENDER = "callbackSender";
    /** Copies this node's progress board into the job store ({@code io.lipdrop.web.ProgressPublisher}). */
    public static final String PROGRESS_PUBLISHER = "progressPublisher";
    /** The thread pool the intake route's split runs jobs on: lipdrop.jobs.workers threads. */
    public static final String JOB_WORKERS = "jobWorkers";

    /** Routes without which drops are not made: health is DOWN while one is missing or stopped. */
    public static List<String> requiredRoutes(boolean delivery) {
        return delivery ? List.of(INTAKE_ROUTE, JOB_ROUTE, DELIVERY_ROUTE) : List.of(INTAKE_ROUTE, JOB_ROUTE);
    }

    /** Which file in routes/ defines a route LipDrop needs, for messages that tell the user where to look. */
    public static String fileOf(String routeId) {
        return switch (routeId) {
            case INTAKE_ROUTE -> "routes/intake.yaml";
            case JOB_ROUTE, NODE_FAULTS_ROUTE, JOB_PROGRESS_ROUTE -> "routes/jobs.yaml";
            case DELIVERY_ROUTE -> "routes/delivery.yaml";
            case NOTIFY_ROUTE -> "routes/notify.yaml";
            case HOUSEKEEPING_ROUTE, DISK_WATERMARK_ROUTE, "node-upkeep" -> "routes/housekeeping.yaml";
            case "deep-drops" -> "routes/deep-drops.yaml";
            case BUCKET_INTAKE_ROUTE -> "routes/bucket-intake.yaml";
            default -> "a file in routes/";
        };
    }

    /** One message per required route that is missing or not started, naming its file; empty when all run. */
    public static List<String> missingRoutes(CamelContext camel, boolean delivery) {
        List<String> problems = new ArrayList<>();
        List<String> required = new ArrayList<>(requiredRoutes(delivery));
        // in bucket mode (its bean is bound only then) drops come only through the bucket's route
        if (camel.getRegistry().lookupByName(BUCKET_INBOX) != null) required.add(BUCKET_INTAKE_ROUTE);
        for (String id : required) {
            Route route = camel.getRoute(id);
            if (route == null) {
                problems.add("route '" + id + "' (" + fileOf(id) + ") is missing: LipDrop needs a route with this id");
            } else {
                ServiceStatus status = camel.getRouteController().getRouteStatus(id);
                if (status != null && !status.isStarted() && !status.isSuspended()) {
                    problems.add("route '" + id + "' (" + fileOf(id) + ") is " + status.name().toLowerCase());
                }
            }
        }
        return problems;
    }

    /**
     * A start-up failure caused by a user's route, in one line: which route, which file and what it names that
     * LipDrop does not have (a bean renamed in the YAML, say). Null when the failure is not about a route.
     */
    public static String explainStartFailure(Throwable failure) {
        String routeId = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof org.apache.camel.FailedToCreateRouteException f && routeId == null) routeId = f.getRouteId();
            if (t instanceof org.apache.camel.FailedToStartRouteException f && routeId == null) routeId = f.getRouteId();
            if (t instanceof org.apache.camel.NoSuchBeanException missing) {
                return where(routeId) + "refers to a bean named '" + missing.getName() + "', which LipDrop does not have; its beans are "
                        + String.join(", ", INBOX_FILTER, DROP_PLANNER, JOB_KEYS, JOB_REPOSITORY, JOB_RUNNER, JOB_OUTCOMES, QUARANTINE,
                        ARCHIVER, DEEP_DROPS, HOUSEKEEPER, DISK_WATERMARK, NODE_PAUSE, DELIVERIES, S3_CLIENT, JOB_WORKERS, CALLBACK_SENDER,
                        PROGRESS_PUBLISHER, BUCKET_INBOX) + " (see io.lipdrop.RouteContract)";
            }
        }
        return routeId == null ? null : where(routeId) + "cannot start: " + rootMessage(failure);
    }

    private static String where(String routeId) {
        return routeId == null ? "a route " : "route '" + routeId + "' (" + fileOf(routeId) + ") ";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage();
    }
}
