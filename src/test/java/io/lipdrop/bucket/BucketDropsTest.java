package io.lipdrop.bucket;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bucket's inbox cut into drops by the folder contract, and keys that could never be a path inside the inbox
 * refused. Plain listings: S3 servers differ in which such keys they store at all (s3proxy's filesystem backend keeps
 * none with "..", AWS keeps any), so this is checked where the listing is read, whatever the server.
 */
class BucketDropsTest {
    private static BucketObject o(String relative) { return new BucketObject(relative, "inbox/" + relative, 1, "e"); }

    @Test
    void aListingIsCutIntoSinglesAndBatchesWithTheirMarkers() {
        Map<String, BucketDrops.Group> drops = BucketDrops.group(List.of(o("anna.wav"), o("anna.mp4"), o("anna.lipdrop.yaml"),
                o("anna.ready"), o("promo/script.wav"), o("promo/a.mp4"), o("promo/.ready"), o("promo/lipdrop.yaml"),
                o("bob.mp4"), o(".hidden.wav"), o("x.part"), o("deep/er/x.mp4")));
        assertEquals(List.of("anna", "bob", "promo/"), List.copyOf(drops.keySet()));
        assertEquals(List.of("anna.wav", "anna.mp4", "anna.lipdrop.yaml"), drops.get("anna").files().stream().map(BucketObject::relative).toList());
        assertTrue(drops.get("anna").ready());
        assertFalse(drops.get("bob").ready());
        assertTrue(drops.get("promo/").ready() && drops.get("promo/").isBatch());
        assertEquals(3, drops.get("promo/").files().size(), "the marker is not one of the batch's files");
        assertEquals(List.of("deep/er/x.mp4"), BucketDrops.tooDeep(List.of(o("deep/er/x.mp4"), o("a.wav"))));
    }

    @Test
    void keysThatCannotBeAPathInsideTheInboxAreNeverADrop() {
        for (String hostile : List.of("../escape.wav", "promo/../../escape.mp4", "./a.wav", "a//b.mp4", "promo/..",
                "a\\..\\b.wav", "bad\u0000name.wav", "line\nbreak.mp4", ".uploads/x.mp4", ".upload-1/x.mp4")) {
            assertNull(BucketDrops.dropOf(hostile), hostile);
            assertTrue(BucketDrops.group(List.of(o(hostile))).isEmpty(), hostile);
        }
        assertEquals(List.of("../escape.wav", "a//b.mp4"), BucketDrops.unsafe(List.of(o("../escape.wav"), o("a//b.mp4"), o("fine.wav"))));
        assertEquals("promo/", BucketDrops.dropOf("promo/名前 with spaces.mp4"), "any script and spaces are fine");
    }
}
