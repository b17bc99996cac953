package io.lipdrop.intake;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Decides which inbox files start work, for the camel-file consumer. One file triggers each drop:
 * <ul>
 *   <li>single job: the audio, once it, its same-named video or photo and its settings file
 *       ({@code <name>.lipdrop.yaml}, if any) have stopped changing;</li>
 *   <li>batch job: the first file (by name) of {@code inbox/<job>/}, once every file in it (its {@code lipdrop.yaml}
 *       included) has stopped changing;</li>
 *   <li>anything LipDrop cannot take (unknown extension, empty file): itself, so it is quarantined.</li>
 * </ul>
 * A file whose partner has not arrived waits, and is mentioned in the log once.
 */
public final class InboxFilter implements GenericFileFilter<File> {
    private static final Logger LOG = LoggerFactory.getLogger(InboxFilter.class);

    private final Path inbox;
    private final Stability stability;
    private final long partnerWaitLogMillis;
    private final Map<Path, Long> waitingSince = new ConcurrentHashMap<>();
    private final io.lipdrop.job.IntakeGate gate;
    private long lastPrune;

    public InboxFilter(Path inbox, long stableMillis, long partnerWaitLogMillis) {
        this(inbox, stableMillis, partnerWaitLogMillis, new io.lipdrop.job.IntakeGate());
    }

    /** @param gate closed while this node takes no new drops (a full disk, a node fault): then nothing passes */
    public InboxFilter(Path inbox, long stableMillis, long partnerWaitLogMillis, io.lipdrop.job.IntakeGate gate) {
        this.gate = gate;
        this.inbox = inbox.toAbsolutePath().normalize();
        this.stability = new Stability(stableMillis);
        this.partnerWaitLogMillis = partnerWaitLogMillis;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (!gate.isOpen()) return false;
        Path p = file.getFile().toPath().toAbsolutePath().normalize();
        prune();
        if (MediaTypes.isTransient(p)) return false;
        int depth = inbox.relativize(p).getNameCount();
        if (file.isDirectory()) return depth == 1;
        if (depth == 1) return acceptTopLevel(p);
        if (depth == 2) return acceptBatchTrigger(p);
        return false;
    }

    private boolean acceptTopLevel(Path p) {
        // a single job's settings file never starts work: its job's audio does, once the settings file is stable too
        if (JobSettingsFile.isSettingsFile(p)) {
            mentionLoneSettings(p);
            return false;
        }
        if (!stability.isStable(p)) return false;
        if (!MediaTypes.isSupported(p) || size(p) == 0) return true;
        Optional<Path> partner = DropPlanner.partnerOf(p);
        if (partner.isEmpty()) {
            mentionWaiting(p);
            return false;
        }
        waitingSince.remove(p);
        // the audio starts a single job; its video or photo comes along with it
        if (!MediaTypes.isAudio(p)) return false;
        Path settings = DropPlanner.settingsOf(p);
        boolean settingsReady = !Files.exists(settings) || stability.isStable(settings);
        return stability.isStable(partner.get()) & settingsReady; // both looked at: each stability clock starts now
    }

    private boolean acceptBatchTrigger(Path p) {
        Path folder = p.getParent();
        List<Path> files = visibleFiles(folder);
        if (files.isEmpty() || !files.get(0).equals(p)) return false;
        boolean stable = stability.isStable(folder);
        for (Path f : files) stable &= stability.isStable(f);
        return stable;
    }

    private void mentionWaiting(Path p) {
        long now = System.currentTimeMillis();
        Long since = waitingSince.putIfAbsent(p, now);
        if (since != null && since > 0 && now - since >= partnerWaitLogMillis) {
            String wanted = MediaTypes.isAudio(p) ? "a video or photo" : "an audio file";
            LOG.info("waiting for the partner of {}: drop {} named {}.* beside it", inbox.relativize(p), wanted, MediaTypes.stem(p));
            waitingSince.put(p, -1L); // mentioned once
        }
    }

    /** A settings file whose job has not arrived is mentioned once, like a file waiting for its partner. */
    private void mentionLoneSettings(Path p) {
        String name = p.getFileName().toString();
        String stem = name.endsWith(JobSettingsFile.SINGLE_SUFFIX) ? name.substring(0, name.length() - JobSettingsFile.SINGLE_SUFFIX.length()) : "";
        boolean jobThere;
        try (Stream<Path> s = Files.list(p.getParent())) {
            jobThere = !stem.isEmpty() && s.anyMatch(f -> MediaTypes.isSupported(f) && MediaTypes.stem(f).equals(stem));
        } catch (IOException e) {
            jobThere = false;
        }
        if (jobThere) {
            waitingSince.remove(p);
            return;
        }
        long now = System.currentTimeMillis();
        Long since = waitingSince.putIfAbsent(p, now);
        if (since != null && since > 0 && now - since >= partnerWaitLogMillis) {
            LOG.info("{} waits for its job: it applies to {}.wav (or another audio) and the video or photo of the same name beside it; "
                    + "a batch's settings go into its folder as {}", inbox.relativize(p), stem.isEmpty() ? "<name>" : stem, JobSettingsFile.BATCH_FILE);
            waitingSince.put(p, -1L);
        }
    }

    static List<Path> visibleFiles(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile).filter(f -> !MediaTypes.isTransient(f))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private void prune() {
        long now = System.currentTimeMillis();
        if (now - lastPrune < 60_000) return;
        lastPrune = now;
        stability.forgetMissing();
        waitingSince.keySet().removeIf(p -> !Files.exists(p));
    }
}
