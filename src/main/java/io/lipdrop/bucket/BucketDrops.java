package io.lipdrop.bucket;

import io.lipdrop.intake.JobSettingsFile;
import io.lipdrop.intake.MediaTypes;
import io.lipdrop.intake.Names;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bucket's inbox cut into drops, under the folder contract: {@code anna.wav}, {@code anna.mp4} and
 * {@code anna.lipdrop.yaml} are one single drop ({@code anna}); everything under {@code promo/} is one batch
 * ({@code promo/}). A drop's {@code .ready} marker ({@code anna.ready}, {@code promo/.ready}) is not part of its files:
 * it says the uploader is done. Keys nested deeper than a batch folder, and "folder" placeholder keys, belong to none.
 */
public final class BucketDrops {
    public static final String READY = ".ready";

    private BucketDrops() {}

    /** One drop: its files (markers left out) and whether its marker is there. */
    public record Group(String id, List<BucketObject> files, BucketObject marker) {
        public boolean ready() { return marker != null; }

        public boolean isBatch() { return id.endsWith("/"); }

        String signature() {
            StringBuilder b = new StringBuilder();
            files.forEach(f -> b.append(f.signature()).append('\n'));
            return b.toString();
        }
    }

    /** The drops in a listing, by id, in name order. */
    public static Map<String, Group> group(List<BucketObject> objects) {
        Map<String, List<BucketObject>> files = new TreeMap<>();
        Map<String, BucketObject> markers = new TreeMap<>();
        for (BucketObject o : objects) {
            String id = dropOf(o.relative());
            if (id == null) continue;
            if (isMarker(o.relative())) {
                markers.put(id, o);
            } else if (!MediaTypes.isTransient(Path.of(name(o.relative())))) {
                files.computeIfAbsent(id, k -> new ArrayList<>()).add(o);
            }
        }
        Map<String, Group> drops = new TreeMap<>();
        files.forEach((id, f) -> drops.put(id, new Group(id, List.copyOf(f), markers.get(id))));
        markers.forEach((id, m) -> drops.putIfAbsent(id, new Group(id, List.of(), m)));
        return drops;
    }

    /** Keys nested deeper than a batch folder ({@code a/b/x.mp4}), which are never taken. */
    public static List<String> tooDeep(List<BucketObject> objects) {
        return objects.stream().map(BucketObject::relative).filter(r -> safe(r) && r.split("/", -1).length > 2).toList();
    }

    /** Keys that cannot be a path in the inbox ({@link #safe}), said once and never taken. */
    public static List<String> unsafe(List<BucketObject> objects) {
        return objects.stream().map(BucketObject::relative).filter(r -> !r.endsWith("/") && !safe(r)).toList();
    }

    /** {@code anna} for {@code anna.wav}, {@code anna.lipdrop.yaml} or {@code anna.ready}; {@code promo/} for {@code promo/x}; else null. */
    static String dropOf(String relative) {
        if (!safe(relative)) return null;
        String[] parts = relative.split("/", -1);
        // a hidden or temporary-looking folder is not a batch (the local inbox keeps its own hidden folders, .uploads)
        if (parts.length == 2) return MediaTypes.isTransient(Path.of(parts[0])) ? null : parts[0] + "/";
        if (parts.length != 1) return null;
        String name = parts[0];
        if (name.endsWith(JobSettingsFile.SINGLE_SUFFIX)) return name.substring(0, name.length() - JobSettingsFile.SINGLE_SUFFIX.length());
        if (name.endsWith(READY) && name.length() > READY.length()) return name.substring(0, name.length() - READY.length());
        return MediaTypes.stem(Path.of(name));
    }

    /**
     * A key is hostile until checked: it becomes a path in this node's inbox, so one with an empty, "." or ".."
     * segment, a backslash or a control character (inbox/../x.wav, inbox/a//b) is never taken.
     */
    static boolean safe(String relative) {
        return Names.isPlainRelativePath(relative) && relative.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    static boolean isMarker(String relative) {
        return relative.equals(READY) || relative.endsWith("/" + READY) || relative.split("/").length == 1 && relative.endsWith(READY);
    }

    private static String name(String relative) {
        return relative.substring(relative.lastIndexOf('/') + 1);
    }
}
