package io.lipdrop.bucket;

import io.lipdrop.Settings;
import io.lipdrop.delivery.S3Settings;

import java.util.List;

/**
 * Where a node takes drops from in bucket mode ({@code lipdrop.intake.source=s3}) and where their inputs go once
 * finished: prefixes of the delivery bucket, without slashes at either end.
 *
 * @param stableMillis  how long a drop's objects must stay the same before it is taken (lipdrop.intake.stable-millis)
 * @param readyRequired only drops with their {@code .ready} marker are taken (lipdrop.s3.ready-marker=required)
 */
public record BucketSettings(String inboxPrefix, String archivePrefix, long stableMillis, boolean readyRequired) {

    public static BucketSettings from(Settings s) {
        String marker = s.get("lipdrop.s3.ready-marker");
        if (!marker.equals("optional") && !marker.equals("required")) {
            throw new IllegalArgumentException("setting lipdrop.s3.ready-marker must be optional or required, not '" + marker + "'");
        }
        String inbox = trim(s.get("lipdrop.s3.inbox-prefix"));
        String archive = trim(s.get("lipdrop.s3.archive-prefix"));
        if (inbox.isEmpty() || archive.isEmpty() || inbox.equals(archive) || inbox.startsWith(archive + "/") || archive.startsWith(inbox + "/")) {
            throw new IllegalArgumentException("lipdrop.s3.inbox-prefix and lipdrop.s3.archive-prefix must be two non-empty prefixes, "
                    + "neither inside the other, not '" + inbox + "' and '" + archive + "'");
        }
        String results = S3Settings.from(s).prefix();
        for (String taken : List.of(inbox, archive)) {
            if (results.isEmpty() || results.equals(taken) || results.startsWith(taken + "/") || taken.startsWith(results + "/")) {
                throw new IllegalArgumentException("in bucket mode the results' prefix (lipdrop.s3.prefix, '" + results + "') must be "
                        + "apart from lipdrop.s3.inbox-prefix ('" + inbox + "') and lipdrop.s3.archive-prefix ('" + archive
                        + "'): results there would come back as drops or mix with the inputs");
            }
        }
        return new BucketSettings(inbox, archive, s.getLong("lipdrop.intake.stable-millis"), marker.equals("required"));
    }

    /** The prefixes that are the drop folder's own (inbox and archive): no result may be put there. */
    public List<String> prefixes() { return List.of(inboxPrefix, archivePrefix); }

    /** The key of an inbox-relative path: {@code inbox/promo/anna.mp4}. */
    public String inboxKey(String relative) { return inboxPrefix + "/" + relative; }

    /** The key of an archive-relative path: {@code archive/2026-12-06/anna.wav}. */
    public String archiveKey(String relative) { return archivePrefix + "/" + relative; }

    private static String trim(String p) {
        return p.replaceAll("^/+", "").replaceAll("/+$", "");
    }
}
