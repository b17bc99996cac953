package io.lipdrop.web;

import io.lipdrop.intake.MediaTypes;
import io.lipdrop.job.ClusterNodes;
import io.lipdrop.job.JobLedger;
import io.lipdrop.job.JobProgress;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.NodeRecord;
import io.lipdrop.job.OutputNames;
import io.lipdrop.job.ProgressRecord;
import io.lipdrop.job.SharedProgress;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JSON behind the jobs page: jobs from the store (every node's), with this node's live progress on the ones
 * it is making, one job with its report, the inbox, the quarantine and the nodes. Names are data: they go out
 * as JSON strings (control characters escaped by the JSON writer) and the page shows them as text.
 */
public final class JobsApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobsApi.class);
    public static final int MAX_LIMIT = 1000;

    private final JobLedger store;
    private final SharedProgress shared;
    private final ClusterNodes cluster;
    private final JobProgress progress;
    private final QuarantineReports quarantine;
    private final Path outbox;
    private final Path inbox;
    private final BucketFolders folders;
    private final java.util.function.Supplier<List<String>> tooDeep;
    private final int liveWithinSeconds;
    private final WebSettings web;
    // bucket mode (lipdrop.intake.source=s3): links and reports by the delivery ledger and the bucket; null in folder mode
    private final BucketOutbox bucket;
    private static final long REPORT_MAX_BYTES = 4L * 1024 * 1024;
    static final long CAPTIONS_MAX_BYTES = 16L * 1024 * 1024;
    private static final List<String> CAPTION_TYPES = List.of("vtt", "srt");
    private static final java.util.regex.Pattern LANGUAGE = java.util.regex.Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
    // at most as many reports as one list shows; the least recently asked for go first
    private final Map<Path, CachedReport> reportCache = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, CachedReport> eldest) {
            return size() > MAX_LIMIT;
        }
    });
    // bucket mode: the reports' captions by outbox-relative path, read from the bucket once per job version
    private final Map<String, BucketReport> bucketReports = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BucketReport> eldest) {
            return size() > MAX_LIMIT;
        }
    });

    /**
     * @param bucket  null in folder mode; in bucket mode where the results are (the ledger says which are delivered)
     * @param folders null in folder mode; in bucket mode the bucket's inbox, which the summary lists as the inbox
     */
    public <S extends JobLedger & SharedProgress & ClusterNodes> JobsApi(S store, JobProgress progress, QuarantineReports quarantine,
                   Path outbox, Path inbox, int liveWithinSeconds, WebSettings web, java.util.function.Supplier<List<String>> tooDeep,
                   BucketOutbox bucket, BucketFolders folders) {
        this.folders = folders;
        this.bucket = bucket;
        this.tooDeep = tooDeep;
        this.store = store;
        this.shared = store;
        this.cluster = store;
        this.progress = progress;
        this.quarantine = quarantine;
        this.outbox = outbox.toAbsolutePath().normalize();
        this.inbox = inbox.toAbsolutePath().normalize();
        this.liveWithinSeconds = liveWithinSeconds;
        this.web = web;
    }

    /** queued, running, done, failed or quarantined (any case); null or empty for all; anything else is refused. */
    public static JobStatus status(String s) {
        if (s == null || s.isBlank() || s.equalsIgnoreCase("all")) return null;
        try {
            return JobStatus.valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, null, "unknown status '" + s + "'", "Use queued, running, done, failed or quarantined.");
        }
    }

    public static int limit(String s) {
        if (s == null || s.isBlank()) return 200;
        try {
            int n = Integer.parseInt(s.strip());
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new BadRequest(400, null, "limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + s + "'", null);
    }

    /** The jobs, newest change first; {@code name} keeps those whose name contains it (ignoring case). */
    public List<JobRecord> jobs(JobStatus status, String name, int limit) {
        List<JobRecord> all = store.list(status, name == null || name.isBlank() ? limit : MAX_LIMIT);
        if (name == null || name.isBlank()) return all;
        String needle = name.toLowerCase(Locale.ROOT);
        return all.stream().filter(j -> j.name().toLowerCase(Locale.ROOT).contains(needle)).limit(limit).toList();
    }

    public JsonObject list(JobStatus status, String name, int limit) {
        JsonArray jobs = new JsonArray();
        List<JobRecord> records = jobs(status, name, limit);
        Map<String, ProgressRecord> shared = records.stream().anyMatch(r -> r.status() == JobStatus.RUNNING) ? sharedProgress() : Map.of();
        for (JobRecord r : records) jobs.add(job(r, shared));
        JsonObject o = new JsonObject();
        o.put("jobs", jobs);
        return o;
    }

    /** The other nodes' progress, as they last wrote it to the store. */
    private Map<String, ProgressRecord> sharedProgress() {
        Map<String, ProgressRecord> m = new java.util.HashMap<>();
        for (ProgressRecord p : shared.progress()) m.put(p.key(), p);
        return m;
    }

    public JsonObject job(JobRecord r, Map<String, ProgressRecord> shared) {
        JsonObject o = new JsonObject();
        o.put("key", r.key());
        o.put("name", r.name());
        o.put("status", r.status().name().toLowerCase(Locale.ROOT));
        o.put("attempts", r.attempts());
        o.put("error", r.error());
        o.put("output", r.output());
        o.put("node", r.node());
        o.put("createdAt", r.createdAt().toString());
        o.put("updatedAt", r.updatedAt().toString());
        o.put("captions", null);
        if (r.status() == JobStatus.DONE && r.output() != null && present(r.output(), r)) {
            // housekeeping removes results after lipdrop.housekeeping.outbox-retention-days: then there is no link
            o.put("video", "/files/outbox/" + encodePath(r.output()));
            Path report = reportOf(r);
            if (report != null && present(relative(report), r)) o.put("report", "/files/outbox/" + encodePath(relative(report)));
            CaptionFiles c = captionsOf(r.output(), r);
            if (!c.files().isEmpty()) {
                JsonObject captions = new JsonObject();
                for (String type : CAPTION_TYPES) {
                    String file = c.files().get(type);
                    captions.put(type, file == null ? null : "/files/captions/" + encodePath(file));
                }
                captions.put("language", c.language());
                o.put("captions", captions);
            }
        }
        if (r.status() == JobStatus.RUNNING) {
            Optional<JobProgress.Entry> here = progress.of(r.key());
            ProgressRecord there = shared.get(r.key());
            if (here.isPresent()) {
                o.put("progress", progress(here.get().done(), here.get().total(), here.get().framesPerSecond(), here.get().started()));
            } else if (there != null && there.node().equals(r.node()) && there.total() > 0) {
                o.put("progress", progress(there.done(), there.total(), there.framesPerSecond(), there.started()));
            } else {
                o.put("progress", null);
            }
        }
        return o;
    }

    /** One job with its report (when it is done and the report is in the outbox). */
    public JsonObject one(String key) {
        if (key == null || !key.matches("[0-9a-f]{64}")) throw new BadRequest(400, key, "a job key is 64 hexadecimal digits", null);
        JobRecord r = store.find(key).orElseThrow(() -> new BadRequest(404, key, "there is no such job", null));
        JsonObject o = job(r, r.status() == JobStatus.RUNNING ? sharedProgress() : Map.of());
        Path report = reportOf(r);
        if (r.status() == JobStatus.DONE && report != null && bucket != null && !madeHere(r, report)) {
            // made on another node: the report that node delivered to the bucket (null while it is not there)
            try {
                o.put("reportJson", bucket.read(relative(report), REPORT_MAX_BYTES).map(JobsApi::parse).orElse(null));
            } catch (RuntimeException e) {
                LOG.warn("jobs page: cannot read the report {} from the bucket: {}", io.lipdrop.intake.Names.printable(relative(report)), e.toString());
                o.put("reportJson", null);
            }
        } else if (r.status() == JobStatus.DONE && report != null && Files.isRegularFile(report)) {
            try {
                o.put("reportJson", Jsoner.deserialize(Files.readString(report)));
            } catch (IOException | org.apache.camel.util.json.DeserializationException e) {
                o.put("reportJson", null);
            }
        }
        return o;
    }

    private static Object parse(byte[] json) {
        try {
            return Jsoner.deserialize(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        } catch (org.apache.camel.util.json.DeserializationException e) {
            return null;
        }
    }

    /**
     * Bucket mode: this node's own outbox holds this job's latest files only when this node made them last (another
     * node may have made the job again since; each node has its own outbox).
     */
    private boolean madeHere(JobRecord r, Path file) {
        return store.nodeId().equals(r.node()) && Files.isRegularFile(file);
    }

    /** A done job's file is there to link to: in this node's outbox (folder mode), confirmed in the bucket (bucket mode). */
    private boolean present(String relative, JobRecord job) {
        return bucket == null ? Files.isRegularFile(outbox.resolve(relative)) : bucket.listedKey(relative, job.updatedAt()).isPresent();
    }

    private String relative(Path inOutbox) {
        return outbox.relativize(inOutbox).toString().replace(java.io.File.separatorChar, '/');
    }

    /** The caption files beside one video, outbox-relative by type ("vtt", "srt"), and their language. */
    record CaptionFiles(Map<String, String> files, String language) {
        static final CaptionFiles NONE = new CaptionFiles(Map.of(), "en");
    }

    /**
     * The captions delivered with the video at {@code video} (outbox-relative): those that the report beside it names as
     * written and that are in the outbox. The report decides, not the folder: a job made again with {@code captions: off}
     * or without speech leaves the older .vtt behind, which must not play over the new video.
     */
    CaptionFiles captionsOf(String video, JobRecord job) {
        if (video == null || !video.endsWith(".mp4")) return CaptionFiles.NONE;
        JsonObject c;
        try {
            Path report = OutputNames.reportPath(SafePaths.resolve(outbox, video));
            c = bucket == null || madeHere(job, report) ? reportCaptions(report) : bucketReportCaptions(relative(report), job);
        } catch (SafePaths.Refused e) {
            return CaptionFiles.NONE;
        }
        if (c == null || !"written".equals(c.get("status")) || !(c.get("files") instanceof List<?> named)) return CaptionFiles.NONE;
        String base = video.substring(0, video.length() - ".mp4".length());
        Map<String, String> files = new java.util.LinkedHashMap<>();
        for (String type : CAPTION_TYPES) {
            String file = base + "." + type;
            if (named.contains(Path.of(file).getFileName().toString()) && (bucket == null ? inOutbox(file) : present(file, job))) {
                files.put(type, file);
            }
        }
        // Vosk's English model makes today's captions; a report that names another language is believed
        String language = c.get("language") instanceof String l && LANGUAGE.matcher(l).matches() ? l : "en";
        return new CaptionFiles(files, language);
    }

    /**
     * The caption file {@code relative} names (decoded, outbox-relative: anna.vtt, promo/bob.srt) when a done job
     * delivered it: a video of that name is a known job's and its report names this file. Other outbox files are never
     * reached through here. A path that tries to leave the outbox is refused ({@link SafePaths.Refused}).
     */
    public Optional<Path> captionFile(String relative) {
        if (!deliveredCaptions(relative)) return Optional.empty();
        try {
            return SafePaths.existing(outbox, relative);
        } catch (SafePaths.Refused e) {
            return Optional.empty(); // a link out of the outbox: as if it were not there
        }
    }

    /** The captions at {@code relative} are a done job's, named by its report (and in the outbox, or delivered in bucket mode). */
    private boolean deliveredCaptions(String relative) {
        SafePaths.resolve(outbox, relative);
        String type = CAPTION_TYPES.stream().filter(t -> relative.endsWith("." + t)).findFirst().orElse(null);
        if (type == null) return false;
        String video = relative.substring(0, relative.length() - type.length() - 1) + ".mp4";
        // a reused result is delivered under the duplicate's own name: findByOutput knows those names too
        Optional<JobRecord> done = store.findByOutput(video).filter(r -> r.status() == JobStatus.DONE);
        return done.isPresent() && relative.equals(captionsOf(video, done.get()).files().get(type));
    }

    /**
     * Bucket mode: the captions at {@code relative} (decoded) from the bucket, for the page's {@code <track>}, which
     * loads from this origin only: served through this node rather than by a link to the bucket. Empty as
     * {@link #captionFile} is empty.
     */
    public Optional<byte[]> bucketCaptions(String relative) {
        if (bucket == null || !deliveredCaptions(relative)) return Optional.empty();
        return bucket.read(relative, CAPTIONS_MAX_BYTES);
    }

    /**
     * Bucket mode: the object key for {@code relative} (decoded, outbox-relative) when it is a done job's video, report
     * or captions (those its report names) and the ledger has it delivered; empty otherwise (not a result, or not in the
     * bucket yet). A path that tries to leave the outbox is refused ({@link SafePaths.Refused}).
     */
    public Optional<String> bucketKey(String relative) {
        if (bucket == null) return Optional.empty();
        String path = relative(SafePaths.resolve(outbox, relative)); // "a/./b.mp4" is b.mp4 in a/, as the ledger names it
        String video;
        if (path.endsWith(".report.json")) {
            video = path.substring(0, path.length() - ".report.json".length()) + ".mp4";
        } else if (path.endsWith(".mp4")) {
            video = path;
        } else if (CAPTION_TYPES.stream().anyMatch(t -> path.endsWith("." + t))) {
            return deliveredCaptions(path) ? bucket.key(path) : Optional.empty();
        } else {
            return Optional.empty();
        }
        if (store.findByOutput(video).filter(r -> r.status() == JobStatus.DONE).isEmpty()) return Optional.empty();
        return bucket.key(path);
    }

    private boolean inOutbox(String relative) {
        try {
            return SafePaths.existing(outbox, relative).isPresent();
        } catch (SafePaths.Refused e) {
            return false;
        }
    }

    private record CachedReport(Object fileKey, java.nio.file.attribute.FileTime modified, long size, JsonObject captions) {}

    /**
     * The report's {@code captions} object, null when there is none. The page asks for the list every few seconds:
     * each report is parsed once until it is replaced (reports are written by atomic renames: a new file).
     */
    private JsonObject reportCaptions(Path report) {
        try {
            var a = Files.readAttributes(report, java.nio.file.attribute.BasicFileAttributes.class);
            if (!a.isRegularFile()) return null;
            CachedReport cached = reportCache.get(report);
            if (cached != null && java.util.Objects.equals(cached.fileKey(), a.fileKey()) && cached.modified().equals(a.lastModifiedTime())
                    && cached.size() == a.size()) {
                return cached.captions();
            }
            Object parsed = Jsoner.deserialize(Files.readString(report));
            JsonObject captions = parsed instanceof JsonObject o && o.get("captions") instanceof JsonObject c ? c : null;
            reportCache.put(report, new CachedReport(a.fileKey(), a.lastModifiedTime(), a.size(), captions));
            return captions;
        } catch (IOException | org.apache.camel.util.json.DeserializationException e) {
            return null;
        }
    }

    private record BucketReport(String key, java.time.Instant version, JsonObject captions) {}

    /**
     * Bucket mode: the {@code captions} object of the delivered report at {@code relative}, null when there is none.
     * Read from the bucket once per job version: a job made again gets a new updatedAt, and its report is only
     * delivered (so read) again after that.
     */
    private JsonObject bucketReportCaptions(String relative, JobRecord job) {
        Optional<String> key = bucket.listedKey(relative, job.updatedAt());
        if (key.isEmpty()) return null;
        BucketReport cached = bucketReports.get(relative);
        if (cached != null && cached.key().equals(key.get()) && cached.version().equals(job.updatedAt())) return cached.captions();
        Optional<byte[]> body;
        try {
            body = bucket.readKey(key.get(), REPORT_MAX_BYTES);
        } catch (RuntimeException e) {
            return null; // the bucket does not answer now: no captions this time, asked again on the next list
        }
        Object parsed = body.map(JobsApi::parse).orElse(null);
        JsonObject captions = parsed instanceof JsonObject o && o.get("captions") instanceof JsonObject c ? c : null;
        if (body.isPresent()) bucketReports.put(relative, new BucketReport(key.get(), job.updatedAt(), captions));
        return captions;
    }

    private Path reportOf(JobRecord r) {
        if (r.output() == null) return null;
        try {
            return OutputNames.reportPath(SafePaths.resolve(outbox, r.output()));
        } catch (SafePaths.Refused e) {
            return null;
        }
    }

    private static JsonObject progress(int done, int total, double fps, java.time.Instant started) {
        JsonObject o = new JsonObject();
        o.put("frames", done);
        o.put("total", total);
        o.put("percent", total <= 0 ? 0.0 : Math.round(Math.min(100.0, 100.0 * done / total) * 10) / 10.0);
        o.put("framesPerSecond", Math.round(fps * 10) / 10.0);
        o.put("secondsLeft", fps <= 0 ? null : Math.round(Math.max(0, total - done) / fps));
        o.put("startedAt", started.toString());
        return o;
    }

    /** Counts by status, this node, the live nodes and the inbox. */
    public JsonObject summary() {
        Map<JobStatus, Long> counts = store.countByStatus();
        JsonObject c = new JsonObject();
        for (JobStatus s : JobStatus.values()) c.put(s.name().toLowerCase(Locale.ROOT), counts.getOrDefault(s, 0L));
        JsonArray nodes = new JsonArray();
        for (NodeRecord n : cluster.liveNodes(liveWithinSeconds)) {
            JsonObject node = new JsonObject();
            node.put("id", n.id());
            node.put("host", n.host());
            node.put("pid", n.pid());
            node.put("startedAt", n.startedAt() == null ? null : n.startedAt().toString());
            node.put("lastSeen", n.lastSeen() == null ? null : n.lastSeen().toString());
            nodes.add(node);
        }
        JsonObject o = new JsonObject();
        o.put("node", store.nodeId());
        o.put("runningHere", progress.all().size());
        o.put("counts", c);
        o.put("nodes", nodes);
        o.put("inbox", inbox());
        // files nested deeper than a batch folder are never taken: said here (and once in the log) with what to do
        JsonArray deep = new JsonArray();
        deep.addAll(tooDeep.get());
        o.put("tooDeep", deep);
        o.put("uploadMaxBytes", web.uploadMaxBytes());
        return o;
    }

    public JsonObject quarantine(int limit) {
        JsonArray items = new JsonArray();
        for (QuarantineReports.Report r : quarantine.list(limit)) {
            JsonObject o = new JsonObject();
            o.put("id", r.id());
            o.put("subject", r.subject());
            o.put("when", r.when());
            o.put("reason", r.reason());
            o.put("advice", r.advice());
            o.put("attempts", r.attempts());
            o.put("note", r.note());
            items.add(o);
        }
        JsonObject o = new JsonObject();
        o.put("quarantined", items);
        return o;
    }

    /** What waits (or is being made) in the inbox: single pairs by name and batch folders; hidden files are left out. */
    private JsonArray inbox() {
        if (folders != null) return bucketInbox();
        JsonArray out = new JsonArray();
        if (!Files.isDirectory(inbox)) return out;
        List<Path> entries;
        try (Stream<Path> s = Files.list(inbox)) {
            entries = s.filter(p -> !MediaTypes.isTransient(p)).sorted().toList();
        } catch (IOException e) {
            return out;
        }
        Map<String, List<String>> singles = new java.util.TreeMap<>();
        for (Path p : entries) {
            if (Files.isDirectory(p)) {
                JsonObject o = new JsonObject();
                o.put("name", p.getFileName().toString() + "/");
                o.put("kind", "batch");
                o.put("files", names(p));
                out.add(o);
            } else {
                singles.computeIfAbsent(MediaTypes.stem(p), k -> new ArrayList<>()).add(p.getFileName().toString());
            }
        }
        singles.forEach((stem, files) -> {
            JsonObject o = new JsonObject();
            o.put("name", stem);
            o.put("kind", "single");
            o.put("files", new JsonArray(files));
            out.add(o);
        });
        return out;
    }

    /**
     * Bucket mode: what waits in the bucket's inbox, shaped as the folder's listing is (batches, then singles by name).
     * Listed once a few seconds at most: every open page asks every few seconds, and a listing is a request to S3.
     */
    private JsonArray bucketInbox() {
        long now = System.currentTimeMillis();
        JsonArray cached = bucketInbox;
        if (cached != null && now - bucketInboxAt < 5_000) return cached;
        Map<String, List<String>> batches = new java.util.TreeMap<>();
        Map<String, List<String>> singles = new java.util.TreeMap<>();
        List<String> files;
        try {
            files = folders.inboxFiles();
        } catch (RuntimeException e) {
            return cached != null ? cached : new JsonArray(); // the bucket away: the summary still answers
        }
        for (String f : files) {
            int slash = f.indexOf('/');
            if (slash > 0) {
                batches.computeIfAbsent(f.substring(0, slash), k -> new ArrayList<>()).add(f.substring(slash + 1));
            } else {
                singles.computeIfAbsent(MediaTypes.stem(Path.of(f)), k -> new ArrayList<>()).add(f);
            }
        }
        JsonArray out = new JsonArray();
        batches.forEach((name, names) -> out.add(entry(name + "/", "batch", names)));
        singles.forEach((name, names) -> out.add(entry(name, "single", names)));
        bucketInbox = out;
        bucketInboxAt = now;
        return out;
    }

    private static JsonObject entry(String name, String kind, List<String> files) {
        JsonObject o = new JsonObject();
        o.put("name", name);
        o.put("kind", kind);
        o.put("files", new JsonArray(files.stream().sorted().toList()));
        return o;
    }

    private volatile JsonArray bucketInbox;
    private volatile long bucketInboxAt;

    private static JsonArray names(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return new JsonArray(s.filter(p -> !MediaTypes.isTransient(p)).map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            return new JsonArray();
        }
    }

    /** Each segment percent-encoded for a URL path (spaces, '#', '?', non-ASCII, control characters). */
    public static String encodePath(String relative) {
        StringBuilder b = new StringBuilder();
        for (String segment : relative.split("/")) {
            if (b.length() > 0) b.append('/');
            b.append(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    /** The list as a plain-text table for the command line: names with control characters shown escaped. */
    public static String table(List<JobRecord> jobs) {
        StringBuilder b = new StringBuilder(String.format("%-12s %-12s %-4s %-19s %s%n", "STATUS", "KEY", "TRY", "UPDATED (UTC)", "NAME"));
        for (JobRecord r : jobs) {
            String extra = r.status() == JobStatus.DONE && r.output() != null ? " -> outbox/" + io.lipdrop.intake.Names.printable(r.output())
                    : r.error() != null ? " (" + io.lipdrop.intake.Names.printable(r.error()) + ")" : "";
            b.append(String.format("%-12s %-12s %-4d %-19s %s%s%n", r.status().name().toLowerCase(Locale.ROOT), r.key().substring(0, 12),
                    r.attempts(), r.updatedAt().toString().substring(0, 19).replace('T', ' '), io.lipdrop.intake.Names.printable(r.name()), extra));
        }
        return b.toString();
    }
}
