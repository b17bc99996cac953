package io.lipdrop;

import io.lipdrop.jobs.H2JobStore;
import io.lipdrop.jobs.JobRecord;
import io.lipdrop.jobs.JobStore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code lipdrop redo OUTPUT|KEY}: forgets a finished job so that dropping the same inputs again makes
 * the video again (the normal rule is that the same content is never processed twice).
 */
final class RedoCommand {
    private RedoCommand() {}

    static int run(Settings s, String what) {
        try (JobStore store = new H2JobStore(s.folder("data"))) {
            Path outbox = s.folder("outbox");
            Path p = Path.of(what).toAbsolutePath().normalize();
            String relative = p.startsWith(outbox) ? outbox.relativize(p).toString() : what;
            Optional<JobRecord> job = store.findByOutput(relative).or(() -> store.find(what));
            if (job.isEmpty()) {
                System.err.println("no job made " + what + " (give a file in " + outbox + " or a job key from a report)");
                return 1;
            }
            store.forget(job.get().key());
            System.out.println("forgot job " + job.get().name() + " (" + job.get().key().substring(0, 12) + "...): drop its inputs "
                    + "into the inbox again to make outbox/" + job.get().output() + " again");
            return 0;
        }
    }
}
