package io.lipdrop.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The jobs page and its JSON API as Vert.x routes on the management server's router (the port of
 * /observe/health). While that server listens on loopback, every request on it needs a loopback Host
 * ({@link LoopbackHosts}). Every /api and /files request passes {@link #guard} first: the token when one is set;
 * and for a POST an Origin header, if sent, that is this server, and either the API token as a bearer header or
 * the page's CSRF header ({@link PageSessions}). Work that touches the disk or the store runs on worker threads,
 * never on the event loop.
 */
public final class WebRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WebRoutes.class);
    private static final String CSRF_META = "<meta name=\"lipdrop-csrf\" content=\"\">";
    private static final Map<String, String> ASSETS = Map.of("/", "index.html", "/app.js", "app.js", "/app.css", "app.css");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private final WebSettings web;
    private final ApiTokens tokens;
    private final PageSessions sessions = new PageSessions();
    private final JobsApi api;
    private final Uploads uploads;
    private final QuarantineReports quarantine;
    private final Redo redo;
    private final Path outbox;
    private final BucketOutbox bucket;
    private final String csp;

    /** @param bucket null in folder mode; in bucket mode /files/outbox answers with presigned links to the bucket */
    public WebRoutes(WebSettings web, ApiTokens tokens, JobsApi api, Uploads uploads, QuarantineReports quarantine, Redo redo, Path outbox,
                     BucketOutbox bucket) {
        this.bucket = bucket;
        // the player follows /files/outbox's redirect to the bucket: media from there must be allowed
        this.csp = bucket == null ? CSP : CSP.replace("media-src 'self'", "media-src 'self' " + bucket.origin());
        this.web = web;
        this.tokens = tokens;
        this.api = api;
        this.uploads = uploads;
        this.quarantine = quarantine;
        this.redo = redo;
        this.outbox = outbox.toAbsolutePath().normalize();
    }

    public void mount(Router router) {
        try {
            Files.createDirectories(uploads.spool());
            uploads.removeLeftovers(java.time.Duration.ofHours(6));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + uploads.spool(), e);
        }
        if (web.loopback()) router.route().order(LoopbackHosts.ORDER).handler(new LoopbackHosts(web.port(), web.host()));
        ASSETS.forEach((path, file) -> {
            byte[] body = asset(file);
            if (file.equals("index.html")) {
                String html = new String(body, java.nio.charset.StandardCharsets.UTF_8);
                router.get(path).handler(ctx -> index(ctx, html));
            } else {
                router.get(path).handler(ctx -> page(ctx, file, body));
            }
        });

        Handler<RoutingContext> failures = this::failed;
        router.route("/api/*").handler(this::guard).failureHandler(failures);
        router.route("/files/*").handler(this::guard).failureHandler(failures);

        router.get("/api/jobs").blockingHandler(ctx -> {
            var status = JobsApi.status(ctx.request().getParam("status"));
            int limit = JobsApi.limit(ctx.request().getParam("limit"));
            String name = ctx.request().getParam("name");
            if ("text".equals(ctx.request().getParam("format"))) {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .end(JobsApi.table(api.jobs(status, name, limit)));
            } else {
                json(ctx, 200, api.list(status, name, limit));
            }
        }, false).failureHandler(failures);
        router.get("/api/jobs/:key").blockingHandler(ctx -> json(ctx, 200, api.one(ctx.pathParam("key"))), false).failureHandler(failures);
        router.post("/api/jobs/:key/redo").blockingHandler(ctx -> {
            String key = ctx.pathParam("key");
            if (!key.matches("[0-9a-f]{64}")) throw new BadRequest(400, key, "a job key is 64 hexadecimal digits", null);
            Redo.Outcome o = redo.redo(key);
            LOG.info("jobs page: redo of {}: {}", io.lipdrop.intake.Names.printable(key.substring(0, 12)), io.lipdrop.intake.Names.printable(o.message()));
            JsonObject body = new JsonObject();
            body.put("requeued", o.requeued());
            body.put("message", o.message());
            json(ctx, 200, body);
        }, false).failureHandler(failures);
        router.get("/api/summary").blockingHandler(ctx -> json(ctx, 200, api.summary()), false).failureHandler(failures);
        router.get("/api/quarantine").blockingHandler(ctx -> json(ctx, 200, api.quarantine(JobsApi.limit(ctx.request().getParam("limit")))),
                false).failureHandler(failures);
        router.post("/api/quarantine/retry").handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
                .blockingHandler(ctx -> {
                    String id = ctx.request().getParam("id");
                    if (id == null && ctx.body().length() > 0) {
                        try {
                            id = ctx.body().asJsonObject().getString("id");
                        } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
                            throw new BadRequest(400, null, "the body is not JSON of the form {\"id\": \"...\"}", null);
                        }
                    }
                    String placed = quarantine.retry(id);
                    LOG.info("jobs page: {} is back in the inbox to be tried again", io.lipdrop.intake.Names.printable(placed));
                    JsonObject body = new JsonObject();
                    body.put("inbox", placed);
                    body.put("message", "inbox/" + placed + " will be tried again");
                    json(ctx, 200, body);
                }, false).failureHandler(failures);
        router.post("/api/uploads")
                .handler(BodyHandler.create(uploads.spool().toString()).setBodyLimit(web.uploadMaxBytes())
                        .setHandleFileUploads(true).setDeleteUploadedFilesOnEnd(true).setMergeFormAttributes(true))
                .blockingHandler(this::upload, false).failureHandler(failures);
        router.route(HttpMethod.GET, "/files/outbox/*").blockingHandler(this::file, false).failureHandler(failures);
        router.route(HttpMethod.HEAD, "/files/outbox/*").blockingHandler(this::file, false).failureHandler(failures);
        // a done job's captions for the page's <track> and its .srt link: behind the same guard as /files/outbox
        router.route(HttpMethod.GET, "/files/captions/*").blockingHandler(this::captions, false).failureHandler(failures);
        router.route(HttpMethod.HEAD, "/files/captions/*").blockingHandler(this::captions, false).failureHandler(failures);
    }

    private void guard(RoutingContext ctx) {
        // a GET only reads; anything else changes state and must show that it comes from us
        boolean changes = ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
        String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
        if (changes && origin != null && !Origins.same(origin, ctx.request().authority())) {
            error(ctx, 403, null, "requests from other sites are refused", null);
            return;
        }
        if (tokens.required() && !tokens.presented(ctx)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"lipdrop\"");
            error(ctx, 401, null, "a valid token is needed", "Send the header 'Authorization: Bearer <lipdrop.api.token>'.");
            return;
        }
        // the token cookie alone is not enough: a browser sends cookies with requests that other pages make
        if (changes && !tokens.bearer(ctx) && !sessions.proven(ctx)) {
            error(ctx, 403, null, "this request shows neither the jobs page's session nor an API token",
                    "Reload the jobs page; an API client sends 'Authorization: Bearer <token>': lipdrop.api.token, else the one in data/api.token.");
            return;
        }
        ctx.next();
    }

    private void upload(RoutingContext ctx) {
        List<Uploads.Part> parts = new ArrayList<>();
        for (FileUpload f : ctx.fileUploads()) parts.add(new Uploads.Part(f.name(), f.fileName(), Path.of(f.uploadedFileName())));
        try {
            Uploads.Placed placed = uploads.place(parts, ctx.request().getFormAttribute("batch"));
            LOG.info("jobs page: uploaded {} into the inbox ({} job{})", io.lipdrop.intake.Names.printable(placed.drop()), placed.jobs().size(),
                    placed.jobs().size() == 1 ? "" : "s");
            JsonObject body = new JsonObject();
            body.put("drop", placed.drop());
            body.put("batch", placed.batch());
            body.put("jobs", placed.jobs());
            body.put("message", "inbox/" + placed.drop() + " is in the inbox: " + placed.jobs().size() + " job"
                    + (placed.jobs().size() == 1 ? "" : "s") + " will start in a few seconds");
            json(ctx, 201, body);
        } catch (BadRequest bad) {
            LOG.warn("jobs page: upload refused: {}: {}", io.lipdrop.intake.Names.printable(bad.file()), bad.getMessage());
            throw bad;
        }
    }

    /** An outbox file, with Range support so that a browser can seek in a video without loading all of it. */
    private void file(RoutingContext ctx) {
        String rest = ctx.normalizedPath().substring("/files/outbox/".length());
        if (bucket != null) {
            toBucket(ctx, SafePaths.decode(rest));
            return;
        }
        Path file = SafePaths.existingFile(outbox, rest)
                .orElseThrow(() -> new BadRequest(404, null, "there is no such file in the outbox", null));
        send(ctx, file);
    }

    /**
     * Bucket mode: a redirect to a presigned URL of the object, valid for lipdrop.s3.presign-seconds, when the path is a
     * done job's video, report or captions and the ledger has it delivered; 404 while it is not in the bucket. The
     * bytes (and Range requests) go between the browser and the bucket; any node can answer for any node's job.
     */
    private void toBucket(RoutingContext ctx, String relative) {
        String key = api.bucketKey(relative)
                .orElseThrow(() -> new BadRequest(404, null, "there is no such result in the bucket: not a done job's file, or not uploaded yet",
                        "A job's files are linked once they are uploaded; see the job's status on the jobs page."));
        boolean head = ctx.request().method() == HttpMethod.HEAD;
        // 307: the client asks the bucket with the same method; no-store: no cache keeps the link past its lifetime
        ctx.response().setStatusCode(307).putHeader(HttpHeaders.LOCATION, bucket.link(key, head).toString())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Referrer-Policy", "no-referrer").end();
    }

    /** A job's .vtt or .srt, only when the job's report names it (404 otherwise), served as {@link #file} serves. */
    private void captions(RoutingContext ctx) {
        String rest = ctx.normalizedPath().substring("/files/captions/".length());
        if (bucket != null) {
            bucketCaptions(ctx, SafePaths.decode(rest));
            return;
        }
        Path file = api.captionFile(SafePaths.decode(rest))
                .orElseThrow(() -> new BadRequest(404, null, "there are no such captions: no done job has them", null));
        send(ctx, file);
    }

    /** Bucket mode: captions read from the bucket and served from this origin (a {@code <track>} loads from no other). */
    private void bucketCaptions(RoutingContext ctx, String relative) {
        byte[] body = api.bucketCaptions(relative)
                .orElseThrow(() -> new BadRequest(404, null, "there are no such captions: no done job has them in the bucket", null));
        HttpServerResponse r = ctx.response();
        r.putHeader(HttpHeaders.CONTENT_TYPE, contentType(Path.of(relative))).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        if (ctx.request().method() == HttpMethod.HEAD) {
            r.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length)).end();
        } else {
            r.end(io.vertx.core.buffer.Buffer.buffer(body));
        }
    }

    private void send(RoutingContext ctx, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BadRequest(404, null, "the file is gone", null);
        }
        HttpServerResponse r = ctx.response();
        r.putHeader(HttpHeaders.CONTENT_TYPE, contentType(file)).putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        if (file.getFileName().toString().endsWith(".json")) r.putHeader("Content-Security-Policy", "default-src 'none'");
        long[] range = ByteRange.parse(ctx.request().getHeader("Range"), size);
        if (range == ByteRange.UNSATISFIABLE) {
            r.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size).end();
            return;
        }
        long from = range == null ? 0 : range[0], length = range == null ? size : range[1] - range[0] + 1;
        if (range != null) r.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
        if (ctx.request().method() == HttpMethod.HEAD) {
            r.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length)).end();
        } else {
            r.sendFile(file.toString(), from, length);
        }
    }

    private static String contentType(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".mp4")) return "video/mp4";
        if (n.endsWith(".json")) return "application/json; charset=utf-8";
        if (n.endsWith(".vtt")) return "text/vtt; charset=utf-8";
        if (n.endsWith(".srt")) return "application/x-subrip; charset=utf-8";
        return "application/octet-stream";
    }

    private void failed(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (ctx.response().ended()) return;
        if (t instanceof BadRequest b) {
            error(ctx, b.status(), b.file(), b.getMessage(), b.advice());
        } else if (t instanceof SafePaths.Refused r) {
            error(ctx, 400, null, r.getMessage(), null);
        } else if (ctx.statusCode() == 413) {
            error(ctx, 413, null, "the upload is larger than the limit of " + web.uploadMaxBytes() / (1024 * 1024) + " MB",
                    "Upload fewer or smaller files at once, or copy them into the inbox folder (lipdrop.web.upload-max-mb sets the limit).");
        } else if (t == null) {
            error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, null, "the request failed", null);
        } else {
            LOG.warn("jobs page: {} {} failed: {}", ctx.request().method(), io.lipdrop.intake.Names.printable(ctx.normalizedPath()), t.toString());
            error(ctx, 500, null, "LipDrop could not answer: " + t.getMessage(), "See logs/lipdrop.log.");
        }
    }

    static void error(RoutingContext ctx, int status, String file, String reason, String advice) {
        JsonObject o = new JsonObject();
        o.put("error", reason);
        if (file != null) o.put("file", file);
        if (advice != null) o.put("advice", advice);
        json(ctx, status, o);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended()) return;
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Content-Type-Options", "nosniff")
                .end(Jsoner.prettyPrint(body.toJson()) + "\n");
    }

    /** The page, carrying its session's CSRF token in a meta element (the CSP allows no inline script). */
    private void index(RoutingContext ctx, String template) {
        String html = template.replace(CSRF_META, "<meta name=\"lipdrop-csrf\" content=\"" + sessions.csrfForPage(ctx) + "\">");
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        page(ctx, "index.html", html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void page(RoutingContext ctx, String file, byte[] body) {
        String type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js") ? "text/javascript; charset=utf-8"
                : "text/css; charset=utf-8";
        if (!ctx.response().headers().contains(HttpHeaders.CACHE_CONTROL)) ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).putHeader("Content-Security-Policy", csp)
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                .end(io.vertx.core.buffer.Buffer.buffer(body));
    }

    private static byte[] asset(String name) {
        try (InputStream in = WebRoutes.class.getResourceAsStream("/web/" + name)) {
            if (in == null) throw new IllegalStateException("the jar lacks web/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
