package io.lipdrop.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Files nested deeper than a batch folder ({@code inbox/a/b/x.mp4}): the intake never takes them (a drop is
 * {@code inbox/<file>} or {@code inbox/<batch>/<file>}), so without a word they would wait forever. A slow timer
 * looks only below the batch folders' subfolders (a normal inbox has none, so a scan costs two directory
 * listings deep), logs each such file once with what to do, and keeps the current list for the page.
 */
public final class DeepDrops {
    private static final Logger LOG = LoggerFactory.getLogger(DeepDrops.class);
    /** At most this many files are listed: a whole tree copied in by mistake must not make every scan expensive. */
    static final int LIMIT = 1000;

    private final Path inbox;
    private final Set<String> mentioned = ConcurrentHashMap.newKeySet();
    private volatile List<String> current = List.of();

    public DeepDrops(Path inbox) { this.inbox = inbox.toAbsolutePath().normalize(); }

    /** The files too deep to be taken, relative to the inbox ({@code a/b/x.mp4}), as of the last scan. */
    public List<String> current() { return current; }

    /** Looks for files too deep (the route's timer calls it); each new one is logged once. */
    public synchronized List<String> scan() {
        List<String> found = new ArrayList<>();
        for (Path batch : subfolders(inbox)) {
            for (Path nested : subfolders(batch)) {
                collect(nested, found);
                if (found.size() >= LIMIT) break;
            }
        }
        found.sort(Comparator.naturalOrder());
        for (String f : found) {
            if (mentioned.add(f)) {
                LOG.warn("inbox/{} is too deep to be taken: LipDrop takes a single job from inbox/ and a batch from inbox/<batch>/; "
                        + "move it into one of them", f);
            }
        }
        mentioned.retainAll(found); // a file that left and comes back is mentioned again
        current = List.copyOf(found);
        return current;
    }

    private void collect(Path dir, List<String> found) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() { // links are not followed
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    return MediaTypes.isTransient(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    if (a.isRegularFile() && !MediaTypes.isTransient(f)) {
                        found.add(inbox.relativize(f).toString().replace('\\', '/'));
                    }
                    return found.size() >= LIMIT ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) { return FileVisitResult.CONTINUE; }
            });
        } catch (IOException e) {
            LOG.debug("cannot look into {}: {}", dir, e.getMessage());
        }
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !MediaTypes.isTransient(p))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
