package io.lipdrop.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Moves a drop's inputs to {@code archive/<yyyy-MM-dd>/} once every job in it has its final outcome;
 * a batch goes only when all its videos are done, and a drop with a job to retry stays in the inbox.
 */
public final class Archiver {
    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);

    private final Path archive;
    private final Quarantine quarantine;

    public Archiver(Path archive, Quarantine quarantine) {
        this.archive = archive.toAbsolutePath().normalize();
        this.quarantine = quarantine;
    }

    public void finish(Drop drop) {
        if (drop.isBatch()) {
            drop.rejected().forEach(r -> quarantine.rejectFile(drop, r));
            drop.rejected().clear();
            LOG.info("batch {}: {}/{} succeeded", drop.name(), drop.succeeded(), drop.jobs().size());
        }
        if (!drop.isFinished()) {
            LOG.info("{}: some jobs will be retried, its inputs stay in the inbox", drop.name());
            return;
        }
        Path dir = archive.resolve(LocalDate.now().toString());
        if (drop.isBatch()) {
            if (Files.isDirectory(drop.root())) SafeMoves.moveInto(drop.root(), dir);
        } else if (drop.jobs().stream().allMatch(j -> j.outcome() != JobTask.Outcome.QUARANTINED)) {
            for (Path f : drop.files()) if (Files.exists(f)) SafeMoves.moveInto(f, dir);
        }
    }
}
