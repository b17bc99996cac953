package io.lipdrop.web;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * A done job put straight into a running LipDrop's store (through its H2 server, as another node would) and outbox:
 * the video, its report and, when {@code captions} says so, its .srt and .vtt. The web tests are about how captions are
 * served and shown; recognising speech takes a real job (CaptionsEndToEndTest), which would cost them tens of seconds.
 */
final class CaptionedJobs {
    static final String VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome to LipDrop & friends\n\n";
    static final String SRT = "1\n00:00:00,000 --> 00:00:02,000\nWelcome to LipDrop & friends\n\n";

    private CaptionedJobs() {}

    /**
     * @param stem     the outbox name without .mp4
     * @param captions "written" (the report names both files) or another status (the report names none)
     * @param files    whether the .srt and .vtt are in the outbox (a stale pair with a report that does not name them)
     * @return the job's key
     */
    static String record(Path home, String stem, Path video, String captions, boolean files) throws Exception {
        Path outbox = home.resolve("outbox");
        Files.createDirectories(outbox);
        Files.copy(video, outbox.resolve(stem + ".mp4"), StandardCopyOption.REPLACE_EXISTING);
        if (files) {
            Files.writeString(outbox.resolve(stem + ".vtt"), VTT);
            Files.writeString(outbox.resolve(stem + ".srt"), SRT);
        }
        String named = captions.equals("written") ? ", \"files\": [\"" + stem + ".srt\", \"" + stem + ".vtt\"]" : "";
        Files.writeString(outbox.resolve(stem + ".report.json"), "{\"frames\": 50, \"captions\": {\"status\": \"" + captions + "\"" + named + "}}\n");
        String key = ContentHasher.sha256(stem.getBytes(StandardCharsets.UTF_8));
        try (JobStore store = new H2JobStore(home.resolve("data"), false, "test-node", Duration.ofSeconds(60))) {
            if (!store.markDone(key, stem + ".mp4")) throw new IllegalStateException("the store did not record " + stem);
        }
        return key;
    }
}
