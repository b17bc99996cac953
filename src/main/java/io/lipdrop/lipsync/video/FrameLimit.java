package io.lipdrop.lipsync.video;

import java.util.Locale;

/**
 * The frame sizes an H.264 encoder accepts. Area is counted the way encoders count it, in 16x16
 * macroblocks: a frame takes {@code ceil(w/16) * ceil(h/16) * 256} pixels of the budget, so 3074x3072
 * is 3088x3072 to libopenh264 (and refused), although 3074 * 3072 is under its 9,437,184 pixels.
 *
 * @param minWidth  narrowest frame, in pixels
 * @param minHeight lowest frame, in pixels
 * @param maxWidth  widest frame, in pixels (even)
 * @param maxHeight highest frame, in pixels (even)
 * @param maxPixels most pixels per frame, counted in whole macroblocks ({@link #alignedPixels})
 */
public record FrameLimit(int minWidth, int minHeight, int maxWidth, int maxHeight, long maxPixels) {
    /** MP4 stores width and height in 16 bits (the muxer refuses more); the largest even value. */
    public static final int MP4_MAX_SIDE = 65_534;

    public FrameLimit {
        if (minWidth < 1 || minHeight < 1 || maxWidth < minWidth || maxHeight < minHeight || maxPixels < 256) {
            throw new IllegalArgumentException("impossible frame limit " + minWidth + "x" + minHeight + ".."
                    + maxWidth + "x" + maxHeight + ", " + maxPixels + " px");
        }
    }

    /** Only a pixel budget (and the 16x16 minimum of H.264 encoders such as libopenh264). */
    public static FrameLimit ofPixels(long maxPixels) {
        return new FrameLimit(16, 16, MP4_MAX_SIDE, MP4_MAX_SIDE, maxPixels);
    }

    /** Pixels of a frame in whole 16x16 macroblocks, as encoders count them. */
    public static long alignedPixels(int width, int height) {
        return (long) ceil16(width) * ceil16(height);
    }

    private static int ceil16(int v) { return (v + 15) & ~15; }

    public boolean tooSmall(int width, int height) { return width < minWidth || height < minHeight; }

    public boolean tooLarge(int width, int height) {
        return width > maxWidth || height > maxHeight || alignedPixels(width, height) > maxPixels;
    }

    public boolean accepts(int width, int height) { return !tooSmall(width, height) && !tooLarge(width, height); }

    /**
     * The largest even size of the same aspect that is not {@link #tooLarge} ({@code width & ~1, height & ~1}
     * when that already fits). The longer side drives, so the aspect stays within one pixel of the original.
     */
    public int[] fit(int width, int height) {
        int w = width & ~1, h = height & ~1;
        if (!tooLarge(w, h)) return new int[] {w, h};
        double scale = Math.min(Math.min(maxWidth / (double) width, maxHeight / (double) height),
                Math.sqrt(maxPixels / ((double) width * height)));
        boolean wide = width >= height;
        int longSide = wide ? width : height, shortSide = wide ? height : width;
        // a little above the exact scale: the shorter side rounds to even, sometimes down into a free macroblock
        int start = Math.min((int) Math.floor(longSide * scale) + 16, Math.min(longSide, wide ? maxWidth : maxHeight));
        for (int l = Math.max(2, start & ~1); l >= 2; l -= 2) {
            int s = Math.max(2, (int) Math.round(l * (double) shortSide / longSide / 2.0) * 2);
            int fw = wide ? l : s, fh = wide ? s : l;
            if (!tooLarge(fw, fh)) return new int[] {fw, fh};
        }
        return new int[] {2, 2};
    }

    /** For people: "at least 16x16 and at most 9,437,184 pixels (e.g. 4096x2304)". */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "at least %dx%d pixels and at most %,d pixels",
                minWidth, minHeight, maxPixels));
        int[] wide = fit(16_000, 9_000);
        b.append(String.format(Locale.ROOT, " (%dx%d at 16:9)", wide[0], wide[1]));
        if (maxWidth < MP4_MAX_SIDE || maxHeight < MP4_MAX_SIDE) {
            b.append(String.format(Locale.ROOT, ", no more than %d wide or %d high", maxWidth, maxHeight));
        }
        return b.toString();
    }
}
