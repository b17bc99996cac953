package io.lipdrop;

import io.lipdrop.jobs.JobStores;
import io.lipdrop.job.JobRecord;
import io.lipdrop.jobs.JobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lipdrop redo OUTPUT|KEY}: reopens a finished job so that dropping the same inputs again makes
 * the video again and replaces it (the normal rule is that the same content is never processed twice).
 */
@Command(name = "redo", description = "reopen a finished job so that dropping its inputs again makes its video again")
final class RedoCommand implements Callable<Integer> {
    private final Settings settings;

    @Parameters(paramLabel = "OUTPUT|KEY", description = "the job's video (in the outbox, or as a path) or its job key")
    String what;

    RedoCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        return run(settings, what);
    }

    static int run(Settings s, String what) {
        try (JobStore store = JobStores.open(s, false)) {
            Path outbox = s.folder("outbox");
            // the output as given from the current folder, from LIPDROP_HOME, or relative to the outbox
            Optional<JobRecord> job = Optional.empty();
            for (Path p : new Path[] {Path.of(what).toAbsolutePath().normalize(), s.home().resolve(what).normalize(), outbox.resolve(what)}) {
                if (job.isEmpty() && p.startsWith(outbox)) job = store.findByOutput(outbox.relativize(p).toString());
            }
            job = job.or(() -> store.find(what));
            if (job.isEmpty()) {
                System.err.println("no job made " + what + " (give a file in " + outbox + " or a job key from a report)");
                return 1;
            }
            store.reopen(job.get().key());
            System.out.println("reopened job " + io.lipdrop.intake.Names.printable(job.get().name()) + " (" + job.get().key().substring(0, 12)
                    + "...): drop its inputs into the inbox again to make outbox/" + io.lipdrop.intake.Names.printable(job.get().output()) + " again");
            return 0;
        }
    }
}
