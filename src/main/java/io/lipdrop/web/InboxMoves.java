package io.lipdrop.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the page's requests put files into the inbox. */
final class InboxMoves {
    private InboxMoves() {}

    /**
     * A rename that refuses to replace: source and target are both inside the inbox (its hidden spool or staging
     * folders), one file system, so nothing is copied and the intake never sees half a file. ATOMIC_MOVE is not
     * asked for because on Linux it silently replaces a file or empty folder of the same name.
     */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to);
    }
}
