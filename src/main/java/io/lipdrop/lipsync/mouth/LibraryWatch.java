package io.lipdrop.lipsync.mouth;

import io.lipdrop.lipsync.face.FaceShape;

import java.util.Optional;

/**
 * Follows the template's mouth shapes during the photo warp's single pass, frame by frame in source order as the
 * face stage measures them, kept and thinned exactly as {@link MouthLibraryBuilder} keeps a library's (shapes
 * only, no pictures): so when the pass ends without {@link #offersLibrary()} having been true, the mouth library
 * would not have been chosen either, and the template was decoded once instead of twice. Per job; not
 * thread-safe.
 */
public final class LibraryWatch {
    private final MouthLibraryBuilder shapes;
    private int seen;
    private boolean offers;

    public LibraryWatch(int librarySize) { this.shapes = new MouthLibraryBuilder(librarySize, false); }

    /** Takes source frame {@code sourceIndex}'s measured mouth (each first-pass frame once, in order). */
    public void see(int sourceIndex, Optional<FaceShape> measured) {
        seen = Math.max(seen, sourceIndex + 1);
        if (shapes.add(sourceIndex, null, measured) && !offers) offers = MouthMethod.offersLibrary(shapes.library(seen));
    }

    /** True once the mouths seen so far are enough for the mouth library: the photo warp's pass should stop. */
    public boolean offersLibrary() { return offers; }

    /** The shapes seen so far, for the report. */
    MouthLibrary shapes() { return shapes.library(seen); }
}
