package io.lipdrop.intake;

import io.lipdrop.job.Drop;
import io.lipdrop.job.JobTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad input goes to {@code archive/failed/<date>/}, never deleted, with a {@code .error.txt} beside it
 * that names the file, says what is wrong in plain words and what to do.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path inbox;
    private final Path failed;

    public Quarantine(Path inbox, Path archive) {
        this.inbox = inbox.toAbsolutePath().normalize();
        this.failed = archive.toAbsolutePath().normalize().resolve("failed");
    }

    private Path today() { return failed.resolve(LocalDate.now().toString()); }

    /** A drop that cannot be used at all: all its files (or its folder) go. */
    public Path rejectDrop(Drop drop) {
        Path dir = today();
        Path moved;
        List<String> names = drop.files().stream().map(this::shown).toList();
        if (drop.isBatch() || Files.isDirectory(drop.root())) {
            moved = SafeMoves.moveInto(drop.root(), dir);
        } else {
            moved = null;
            for (Path f : drop.files()) {
                Path m = SafeMoves.moveInto(f, dir);
                if (moved == null) moved = m;
            }
        }
        String subject = Files.isDirectory(moved) ? shown(drop.root()) + "/" : names.get(0);
        Path report = moved.resolveSibling(moved.getFileName() + ".error.txt");
        write(report, subject, drop.problem(), drop.advice(), names, 0, null);
        LOG.error("bad input {}: {} -> moved to {}", subject, drop.problem(), relative(moved));
        return report;
    }

    /** One job's inputs: a single job's audio and template, or a batch's template (its audio serves the others). */
    public Path rejectJob(JobTask job, String reason, String advice, int attempts) {
        Path dir = job.inBatch() ? today().resolve(job.batch().get()) : today();
        List<Path> files = new ArrayList<>(job.inBatch() ? List.of(job.template()) : List.of(job.audio(), job.template()));
        // a single job's settings file goes with its inputs (a batch's lipdrop.yaml stays with the batch's audio)
        if (!job.inBatch()) job.settings().source().ifPresent(files::add);
        List<String> names = new ArrayList<>();
        Path moved = null;
        for (Path f : files) {
            names.add(shown(f));
            if (Files.exists(f)) {
                Path m = SafeMoves.moveInto(f, dir);
                if (f.equals(job.template())) moved = m;
            }
        }
        if (moved == null) moved = dir.resolve(job.template().getFileName());
        Path report = moved.resolveSibling(moved.getFileName() + ".error.txt");
        String others = job.inBatch() ? "the batch's audio " + shown(job.audio()) + " is archived with the batch" : null;
        write(report, job.name(), reason, advice, names, attempts, others);
        LOG.error("bad input {}: {} -> moved to {}", job.name(), reason, relative(moved));
        return report;
    }

    /** A file inside an otherwise good batch that cannot be used. */
    public void rejectFile(Drop drop, Drop.Rejected r) {
        Path moved = SafeMoves.moveInto(r.file(), today().resolve(drop.name()));
        write(moved.resolveSibling(moved.getFileName() + ".error.txt"), shown(r.file()), r.reason(), r.advice(),
                List.of(shown(r.file())), 0, null);
        LOG.error("bad input {}: {} -> moved to {}", shown(r.file()), r.reason(), relative(moved));
    }

    private void write(Path report, String subject, String reason, String advice, List<String> files, int attempts, String note) {
        // one line per field whatever the names hold: a newline in a file name must not start a line of its own
        StringBuilder b = new StringBuilder()
                .append("LipDrop could not process: ").append(Names.printable(subject)).append('\n')
                .append("When: ").append(LocalDateTime.now().format(WHEN)).append('\n')
                .append("Reason: ").append(Names.printable(reason)).append('\n')
                .append("What to do: ").append(Names.printable(advice)).append('\n')
                .append("Files (moved here from the inbox, unchanged): ")
                .append(Names.printable(String.join(", ", files))).append('\n');
        if (attempts > 0) b.append("Attempts: ").append(attempts).append('\n');
        if (note != null) b.append("Note: ").append(Names.printable(note)).append('\n');
        b.append("To try again, fix the input and drop it into the inbox again.\n");
        SafeMoves.writeAtomically(report, b.toString());
    }

    private String shown(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(inbox) ? inbox.relativize(abs).toString() : p.getFileName().toString();
    }

    private String relative(Path p) {
        Path home = failed.getParent().getParent();
        return home == null ? p.toString() : home.relativize(p.toAbsolutePath().normalize()).toString();
    }
}
