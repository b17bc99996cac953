package io.lipdrop.bucket;

import io.lipdrop.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bucket mode's prefixes: inbox, archive and results kept apart, so results never come back as drops. */
class BucketSettingsTest {
    private static Settings settings(String... env) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("LIPDROP_INTAKE_SOURCE", "s3", "LIPDROP_S3_BUCKET", "lipdrop"));
        for (int i = 0; i < env.length; i += 2) m.put(env[i], env[i + 1]);
        return Settings.load(m, new Properties());
    }

    @Test
    void theDefaultsKeepInboxArchiveAndResultsApart() {
        BucketSettings b = BucketSettings.from(settings());
        assertEquals("inbox/anna.wav", b.inboxKey("anna.wav"));
        assertEquals("archive/2026-12-06/anna.wav", b.archiveKey("2026-12-06/anna.wav"));
        assertEquals(java.util.List.of("inbox", "archive"), b.prefixes());
    }

    @Test
    void resultsInsideTheInboxOrArchiveAndNestedPrefixesAreRefusedAtTheStart() {
        for (String[] bad : new String[][] {{"LIPDROP_S3_PREFIX", "inbox"}, {"LIPDROP_S3_PREFIX", "inbox/results"},
                {"LIPDROP_S3_PREFIX", "archive"}, {"LIPDROP_S3_ARCHIVE_PREFIX", "inbox/old"}, {"LIPDROP_S3_INBOX_PREFIX", "outbox/in"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BucketSettings.from(settings(bad)), bad[1]);
            assertTrue(e.getMessage().contains("prefix"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> BucketSettings.from(settings("LIPDROP_S3_READY_MARKER", "sometimes")));
        assertThrows(IllegalArgumentException.class, () -> settings("LIPDROP_INTAKE_SOURCE", "ftp").bucketIntake());
        assertThrows(IllegalArgumentException.class, () -> settings("LIPDROP_S3_BUCKET", "").bucketIntake(), "s3 needs a bucket");
    }
}
