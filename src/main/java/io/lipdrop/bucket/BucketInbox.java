package io.lipdrop.bucket;

import io.lipdrop.delivery.Fingerprint;
import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileTrees;
import io.lipdrop.intake.MediaTypes;
import io.lipdrop.intake.SafeMoves;
import io.lipdrop.job.IntakeGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The bucket as the drop folder. Each poll lists the bucket's inbox whole (paged), cuts it into drops
 * ({@link BucketDrops}) and downloads every drop whose objects have stopped changing (the same keys, sizes and ETags for
 * {@code lipdrop.intake.stable-millis}), or that has its {@code .ready} marker, into this node's own inbox, where the
 * folder intake takes it as if it had been dropped there: hashed, claimed in the shared store, made once. A batch
 * arrives in the local inbox as one folder rename, so the folder intake never sees it half there.
 * <p>
 * Every node downloads the drops it sees, as every node on a shared inbox plans them: the claims in the store share out
 * the jobs. A drop whose objects left the bucket's inbox (another node archived it, or the uploader removed it) is
 * removed from this node's inbox too. Then {@link BucketArchive} moves what this node archived into the bucket.
 */
public final class BucketInbox {
    private static final Logger LOG = LoggerFactory.getLogger(BucketInbox.class);

    private record Seen(String signature, long since) {}

    private final S3Client s3;
    private final String bucket;
    private final BucketSettings settings;
    private final Path inbox;
    private final Path incoming;
    private final TakenObjects taken;
    private final BucketArchive archive;
    private final IntakeGate gate;
    private final LongSupplier clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private volatile String lastProblem;
    private final java.util.Set<String> mentionedTooDeep = new java.util.HashSet<>();

    /** @param data where this node keeps what it took from the bucket (data/bucket-inbox.properties), across restarts */
    public BucketInbox(S3Client s3, String bucket, BucketSettings settings, Path inbox, Path archive, Path work, Path data,
                       IntakeGate gate) {
        this(s3, bucket, settings, inbox, archive, work, data, gate, System::currentTimeMillis);
    }

    BucketInbox(S3Client s3, String bucket, BucketSettings settings, Path inbox, Path archive, Path work, Path data, IntakeGate gate,
                LongSupplier clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.settings = settings;
        this.inbox = inbox.toAbsolutePath().normalize();
        // beside the jobs' folders in work/ (one file system with the inbox, for the renames into it); housekeeping
        // leaves dot-folders there alone
        this.incoming = work.toAbsolutePath().normalize().resolve(".bucket-incoming");
        this.taken = new TakenObjects(data.toAbsolutePath().normalize().resolve("bucket-inbox.properties"));
        this.archive = new BucketArchive(s3, bucket, settings, archive, taken);
        this.gate = gate;
        this.clock = clock;
    }

    /** One poll: take the drops that are ready, let go of those gone from the bucket, archive what this node finished. */
    public synchronized void poll() {
        try {
            List<BucketObject> listing = list();
            Map<String, BucketDrops.Group> drops = BucketDrops.group(listing);
            forgetGone(listing);
            mentionTooDeep(listing);
            if (gate.isOpen()) {
                for (BucketDrops.Group drop : drops.values()) {
                    if (ready(drop)) take(drop);
                }
            }
            seen.keySet().retainAll(drops.keySet());
            archive.sync();
            archive.removeSpentMarkers(drops.values(), clock.getAsLong());
            recovered();
        } catch (RuntimeException e) {
            // the bucket away, a disk that refuses a write: said once, the next poll tries again; nothing is lost
            problem(e);
        }
    }

    /** The whole inbox prefix, every page of it. */
    private List<BucketObject> list() {
        String prefix = settings.inboxPrefix() + "/";
        List<BucketObject> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String relative = o.key().substring(prefix.length());
            out.add(new BucketObject(relative, o.key(), o.size(), Fingerprint.unquote(o.eTag())));
        }
        return out;
    }

    /** Ready once it has not changed for the stable time, or at once with its marker; with markers required, only then. */
    private boolean ready(BucketDrops.Group drop) {
        if (drop.files().isEmpty()) return false;
        if (drop.ready()) return true;
        if (settings.readyRequired()) return false;
        String signature = drop.signature();
        long now = clock.getAsLong();
        Seen before = seen.get(drop.id());
        if (before == null || !before.signature().equals(signature)) {
            seen.put(drop.id(), new Seen(signature, now));
            return false;
        }
        return now - before.since() >= settings.stableMillis();
    }

    /** Downloads the drop's objects this node has not taken yet, and puts them into its inbox. */
    private void take(BucketDrops.Group drop) {
        List<BucketObject> fresh = drop.files().stream()
                .filter(o -> !taken.etag(o.relative()).map(o.etag()::equals).orElse(false))
                .toList();
        if (fresh.isEmpty()) return;
        Path staging = incoming.resolve(Long.toString(System.nanoTime()));
        try {
            for (BucketObject o : fresh) download(o, inside(staging, o.relative()));
            place(drop, fresh, staging);
            fresh.forEach(o -> taken.put(o.relative(), o.etag()));
            LOG.info("took {} from s3://{}/{}/: {}", drop.id(), bucket, settings.inboxPrefix(),
                    String.join(", ", fresh.stream().map(BucketObject::relative).toList()));
        } catch (ObjectChanged changed) {
            LOG.info("{}: {}; taken once it stays the same", drop.id(), changed.getMessage());
            seen.remove(drop.id());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put " + drop.id() + " into " + inbox, e);
        } finally {
            FileTrees.deleteQuietly(staging);
        }
    }

    /**
     * Into the local inbox: a batch new to it as one folder rename; single files (and additions to a batch already
     * here) one rename each, the audio last, as the audio is what starts a single job.
     */
    private void place(BucketDrops.Group drop, List<BucketObject> fresh, Path staging) throws IOException {
        if (drop.isBatch()) {
            Path folder = inbox.resolve(drop.id());
            if (!Files.exists(folder)) {
                Files.createDirectories(folder.getParent());
                SafeMoves.publish(staging.resolve(drop.id()), folder);
                return;
            }
        }
        List<BucketObject> order = new ArrayList<>(fresh);
        order.sort(Comparator.comparing((BucketObject o) -> MediaTypes.isAudio(Path.of(o.relative()))));
        for (BucketObject o : order) SafeMoves.publish(staging.resolve(o.relative()), inside(inbox, o.relative()));
    }

    /** {@code relative} under {@code root}; never outside it, whatever the key said ({@link BucketDrops#safe} refused those). */
    private static Path inside(Path root, String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.equals(root)) throw new IllegalStateException("refused key " + relative + ": outside " + root);
        return p;
    }

    /** A GET into {@code target}, checked against the listing: the size, and the MD5 where the ETag is one. */
    private void download(BucketObject o, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        // streamed into the file, not ResponseTransformer.toFile: the SDK's own retry of a broken response would find
        // the first attempt's file there and fail ("Failed to read response into file")
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(o.key()).ifMatch('"' + o.etag() + '"'))) {
            // If-Match: the version the listing showed, or nothing
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) throw new ObjectChanged(o.relative() + " was replaced or removed meanwhile");
            throw e;
        }
        long size = Files.size(target);
        if (size != o.size()) throw new ObjectChanged(o.relative() + " changed while it was downloaded");
        if (o.etag().matches("[0-9a-f]{32}") && !o.etag().equals(ContentHasher.md5(target))) {
            throw new ObjectChanged(o.relative() + " arrived different from what the bucket lists (MD5)");
        }
    }

    /**
     * Objects this node took that are no longer in the bucket's inbox as they were: another node archived their drop
     * (or quarantined it), or the uploader removed or replaced them. A copy still in this node's inbox goes.
     */
    private void forgetGone(List<BucketObject> listing) {
        Map<String, String> now = new java.util.HashMap<>();
        listing.forEach(o -> now.put(o.relative(), o.etag()));
        taken.all().forEach((relative, etag) -> {
            if (etag.equals(now.get(relative))) return;
            Path local = inbox.resolve(relative).normalize();
            if (local.startsWith(inbox) && Files.isRegularFile(local)) {
                try {
                    Files.delete(local);
                    removeEmptyFolder(local.getParent());
                    LOG.info("{} left the bucket's inbox (finished by another node, or removed): removed from this node's inbox too", relative);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove " + local, e);
                }
            }
            taken.remove(relative);
        });
    }

    /** Each key too deep to be taken is said once (it stays in the bucket, as a file too deep stays in the inbox). */
    private void mentionTooDeep(List<BucketObject> listing) {
        List<String> deep = BucketDrops.tooDeep(listing);
        List<String> unsafe = BucketDrops.unsafe(listing);
        mentionedTooDeep.retainAll(java.util.stream.Stream.concat(deep.stream(), unsafe.stream()).toList());
        for (String relative : deep) {
            if (mentionedTooDeep.add(relative)) {
                LOG.warn("s3://{}/{} is too deep to be taken: LipDrop takes a single job from {}/ and a batch from {}/<batch>/; "
                        + "move it up", bucket, settings.inboxKey(relative), settings.inboxPrefix(), settings.inboxPrefix());
            }
        }
        for (String relative : unsafe) {
            if (mentionedTooDeep.add(relative)) {
                LOG.warn("s3://{}/{} is not taken: its key has an empty, \".\" or \"..\" part, a backslash or a control character, "
                        + "which cannot be a file name in the inbox; upload it under a plain name", bucket,
                        io.lipdrop.intake.Names.printable(settings.inboxKey(relative)));
            }
        }
    }

    private void removeEmptyFolder(Path folder) throws IOException {
        if (folder.equals(inbox) || !folder.startsWith(inbox)) return;
        try (var s = Files.list(folder)) {
            if (s.findAny().isPresent()) return;
        }
        Files.deleteIfExists(folder);
    }

    private void problem(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!m.equals(lastProblem)) LOG.warn("bucket inbox s3://{}/{}/: {}; trying again at the next poll", bucket, settings.inboxPrefix(), m);
        lastProblem = m;
    }

    private void recovered() {
        if (lastProblem != null) LOG.info("bucket inbox s3://{}/{}/ is reachable again", bucket, settings.inboxPrefix());
        lastProblem = null;
    }

    /** The object is not what the listing said (written again meanwhile): the drop waits for the next stable poll. */
    private static final class ObjectChanged extends IOException {
        ObjectChanged(String message) { super(message); }
    }
}
