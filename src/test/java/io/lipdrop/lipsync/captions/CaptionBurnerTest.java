package io.lipdrop.lipsync.captions;

import io.lipdrop.lipsync.video.Picture;
import io.lipdrop.testing.Fixtures;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YUV_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YUV2BGR_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captions burned into real frames (a flat grey one, and the astronaut photo filling a 1080x1920 portrait frame),
 * held as I420 as the encoder gets them: white text inside the safe area with a dark outline around it, the
 * decoder's bytes untouched outside the caption's box and on frames with no cue. The burned frames are written to
 * target/caption-burn/ to look at.
 */
class CaptionBurnerTest {
    static final Cue TWO_LINES = new Cue(1.0, 3.0, List.of("Welcome back to the quarterly update from", "our product team in Lisbon"));
    static final Cue LATER = new Cue(4.0, 5.0, List.of("Thank you"));
    static final Path LOOK = Path.of("target", "caption-burn");

    @TempDir Path dir;

    @Test
    void aTwoLineCueIsWhiteWithADarkOutlineInsideTheSafeArea() throws Exception {
        check("grey-512x512", grey(512, 512));
        check("photo-512x512", photo(512, 512));
        check("photo-1080x1920", photo(1080, 1920));
        check("photo-854x480", photo(854, 480));
    }

    private void check(String name, Mat bgr) throws Exception {
        int w = bgr.cols(), h = bgr.rows();
        byte[] before = i420(bgr);
        CaptionBurner burner = new CaptionBurner(w, h, List.of(TWO_LINES, LATER));
        byte[] after;
        try (Picture p = picture(before, w, h)) {
            burner.draw(2.0, p);
            after = bytes(p.i420());
        }
        int[] box = burner.box(2.0);
        assertNotNull(box);
        assertUnchangedOutside(before, after, w, h, box, name);

        try (Mat out = bgrOf(after, w, h); Mat in = bgrOf(before, w, h)) {
            Files.createDirectories(LOOK);
            imwrite(LOOK.resolve("burn-" + name + ".png").toString(), out);
            int[] text = textPixels(out, in, w, h);
            int white = text[0];
            int charHeightish = burner.fontSize();
            assertTrue(white > 40 * charHeightish, name + ": white text drawn (" + white + " white pixels)");
            assertTrue(text[1] >= Math.round(w * CaptionBurner.MARGIN) && text[3] <= Math.round(w * (1 - CaptionBurner.MARGIN)),
                    name + ": text inside the side margins: x " + text[1] + ".." + text[3] + " of " + w);
            assertTrue(text[4] <= Math.round(h * (1 - CaptionBurner.MARGIN)) && text[2] > h / 2,
                    name + ": text above the bottom margin, in the lower half: y " + text[2] + ".." + text[4] + " of " + h);
            double ring = outlineDarkness(out, in, w, h, box, Math.max(2, burner.fontSize() / 12));
            assertTrue(ring < 70, name + ": the pixels just around the white text are dark (mean " + ring + ")");
            System.out.printf("%s: font %d px, box %dx%d at (%d,%d), %d white pixels, outline ring mean %.1f%n",
                    name, burner.fontSize(), box[2], box[3], box[0], box[1], white, ring);
        }
        burner.close();
        bgr.close();
    }

    @Test
    void nothingIsDrawnWhenNoCueIsShown() {
        try (Mat bgr = photo(512, 512); CaptionBurner burner = new CaptionBurner(512, 512, List.of(LATER, TWO_LINES))) {
            byte[] before = i420(bgr);
            for (double t : new double[] {0.0, 0.999, 3.0, 3.5, 5.0, 60.0, 2.0, 0.5}) { // 2.0 then a seek back to 0.5
                try (Picture p = picture(before, 512, 512)) {
                    burner.draw(t, p);
                    byte[] after = bytes(p.i420());
                    if (t == 2.0) assertTrue(!java.util.Arrays.equals(before, after), "the cue is drawn at 2.0 s");
                    else assertArrayEquals(before, after, "no cue at " + t + " s: the frame is untouched");
                }
            }
            assertNull(burner.box(3.0));
            assertNotNull(burner.box(4.5));
        }
    }

    @Test
    void longLinesOnANarrowPortraitFrameAreWrappedInsideTheMargins() throws Exception {
        int w = 360, h = 640;
        Cue wide = new Cue(0, 2, List.of("Internationalisation of the onboarding flow", "supercalifragilisticexpialidociousness"));
        try (Mat bgr = grey(w, h); CaptionBurner burner = new CaptionBurner(w, h, List.of(wide))) {
            CaptionBurner.Layout layout = burner.layout(wide);
            // too wide for two lines even at the smallest font: made as small as allowed, then wrapped into more lines
            assertTrue(layout.lines().size() > CaptionBurner.MAX_WRAPPED_LINES, "wrapped to the frame's width: " + layout.lines());
            assertEquals(Math.max(8, (int) Math.round(Math.round(h * CaptionBurner.FONT_PER_HEIGHT) * CaptionBurner.MIN_SCALE)),
                    layout.fontSize(), "the font is at its smallest before a cue takes more lines");
            byte[] before = i420(bgr);
            byte[] after;
            try (Picture p = picture(before, w, h)) {
                burner.draw(1.0, p);
                after = bytes(p.i420());
            }
            int[] box = burner.box(1.0);
            assertUnchangedOutside(before, after, w, h, box, "portrait");
            try (Mat out = bgrOf(after, w, h); Mat in = bgrOf(before, w, h)) {
                Files.createDirectories(LOOK);
                imwrite(LOOK.resolve("burn-wrapped-360x640.png").toString(), out);
                int[] text = textPixels(out, in, w, h);
                int[] ink = inkBounds(out, w, h);
                System.out.printf("portrait %dx%d: %s, font %d px, white x %d..%d, white+outline x %d..%d%n", w, h, layout.lines(),
                        layout.fontSize(), text[1], text[3], ink[0], ink[2]);
                assertTrue(ink[0] >= Math.round(w * CaptionBurner.MARGIN) && ink[2] <= Math.round(w * (1 - CaptionBurner.MARGIN)),
                        "text and outline inside the side margins: x " + ink[0] + ".." + ink[2] + " of " + w);
                assertTrue(ink[3] <= Math.round(h * (1 - CaptionBurner.MARGIN)), "above the bottom margin: " + ink[3]);
            }
        }
    }

    @Test
    void theFontGrowsWithTheFrame() {
        Cue hello = new Cue(0, 1, List.of("HELLO"));
        int[] heights = new int[3];
        int[] sizes = {360, 720, 1440};
        for (int i = 0; i < sizes.length; i++) {
            int h = sizes[i], w = h * 16 / 9;
            try (Mat bgr = grey(w, h); CaptionBurner burner = new CaptionBurner(w, h, List.of(hello))) {
                assertEquals(Math.round(h / 20.0), burner.fontSize(), "1/20 of the height");
                byte[] before = i420(bgr);
                try (Picture p = picture(before, w, h)) {
                    burner.draw(0.5, p);
                    try (Mat out = bgrOf(bytes(p.i420()), w, h)) {
                        int[] text = textPixels(out, bgr, w, h);
                        heights[i] = text[4] - text[2] + 1;
                    }
                }
            }
        }
        System.out.printf("capital height: %d, %d, %d px at 360p, 720p, 1440p%n", heights[0], heights[1], heights[2]);
        assertTrue(Math.abs(heights[1] - 2.0 * heights[0]) <= 3 && Math.abs(heights[2] - 2.0 * heights[1]) <= 4,
                "text height doubles with the frame's height: " + java.util.Arrays.toString(heights));
        assertTrue(heights[0] >= 10, "readable at 360p: capitals " + heights[0] + " px tall");
    }

    @Test
    void theFontIsDejaVuSansOrJavasSansSerif() throws Exception {
        if (Files.isReadable(CaptionBurner.DEJAVU_SANS)) assertEquals("DejaVu Sans", CaptionBurner.fontName());
        java.awt.Font fallback = CaptionBurner.loadFont(dir.resolve("missing.ttf"));
        assertEquals(java.awt.Font.SANS_SERIF, fallback.getFamily(), "without the file: Java's logical SansSerif font");
        Path junk = Files.writeString(dir.resolve("junk.ttf"), "not a font");
        assertEquals(java.awt.Font.SANS_SERIF, CaptionBurner.loadFont(junk).getFamily(), "an unreadable file too");
    }

    @Test
    void aFrameCostsLittle() {
        for (int[] size : new int[][] {{1080, 1920}, {512, 512}, {1920, 1080}}) {
            int w = size[0], h = size[1];
            Cue next = new Cue(3.0, 6.0, List.of("and this is the second cue of the talk with", "a new overlay rendered when it starts"));
            try (Mat bgr = photo(w, h); CaptionBurner burner = new CaptionBurner(w, h, List.of(next, TWO_LINES))) {
                byte[] planes = i420(bgr);
                try (Picture p = picture(planes, w, h)) {
                    burner.draw(4.0, p); // warms up Java2D and the font
                }
                long first = System.nanoTime();
                try (Picture p = picture(planes, w, h)) {
                    burner.draw(1.5, p); // renders the cue
                }
                double renderMs = (System.nanoTime() - first) / 1e6;
                int n = 300;
                long total = 0;
                try (Picture p = picture(planes, w, h)) {
                    for (int i = 0; i < n; i++) {
                        // a fresh frame each time as from the decoder: the picture's BGR is converted in the box again
                        try (Picture frame = p.copy()) {
                            long t0 = System.nanoTime();
                            burner.draw(1.5 + i * 0.001, frame);
                            frame.i420();
                            total += System.nanoTime() - t0;
                        }
                    }
                }
                double ms = total / 1e6 / n;
                int[] box = burner.box(1.5);
                System.out.printf("%dx%d: a cue's first frame (renders it) %.1f ms, then %.3f ms a frame (box %dx%d)%n",
                        w, h, renderMs, ms, box[2], box[3]);
                assertTrue(ms < 25, w + "x" + h + ": " + ms + " ms a frame");
            }
        }
    }

    // --- frames

    static Mat grey(int w, int h) {
        return new Mat(h, w, CV_8UC3, new Scalar(128, 128, 128, 0));
    }

    /** The astronaut photo scaled to cover the frame and cut to it. */
    Mat photo(int w, int h) {
        Path png = Fixtures.copy("face_astronaut.png", dir);
        try (Mat src = imread(png.toString())) {
            double s = Math.max(w / (double) src.cols(), h / (double) src.rows());
            int sw = (int) Math.ceil(src.cols() * s), sh = (int) Math.ceil(src.rows() * s);
            try (Mat big = new Mat(); Size size = new Size(sw, sh)) {
                resize(src, big, size, 0, 0, s > 1 ? INTER_CUBIC : INTER_AREA);
                try (Rect r = new Rect((sw - w) / 2, (sh - h) / 2, w, h); Mat cut = big.apply(r)) {
                    return cut.clone();
                }
            }
        }
    }

    static byte[] i420(Mat bgr) {
        try (Mat planes = new Mat()) {
            cvtColor(bgr, planes, COLOR_BGR2YUV_I420);
            return bytes(planes);
        }
    }

    static Picture picture(byte[] planes, int w, int h) {
        Mat m = new Mat(h * 3 / 2, w, org.bytedeco.opencv.global.opencv_core.CV_8UC1);
        m.data().put(planes);
        return Picture.ofI420(m, w, h);
    }

    static byte[] bytes(Mat m) {
        byte[] b = new byte[(int) (m.total() * m.channels())];
        m.data().get(b);
        return b;
    }

    static Mat bgrOf(byte[] planes, int w, int h) {
        try (Picture p = picture(planes, w, h)) {
            return p.bgr().clone();
        }
    }

    /** Every byte of the three planes outside the box (even corners; chroma at half) is the decoder's. */
    static void assertUnchangedOutside(byte[] before, byte[] after, int w, int h, int[] box, String name) {
        assertEquals(0, box[0] & 1, "even box");
        assertEquals(0, box[1] & 1, "even box");
        assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= w && box[1] + box[3] <= h, name + ": box inside the frame");
        int changed = 0;
        for (int p = 0; p < 3; p++) {
            int s = p == 0 ? 1 : 2, pw = w / s, ph = h / s;
            int offset = p == 0 ? 0 : w * h + (p == 2 ? pw * ph : 0);
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    int i = offset + y * pw + x;
                    boolean inside = x >= box[0] / s && x < (box[0] + box[2]) / s && y >= box[1] / s && y < (box[1] + box[3]) / s;
                    if (inside) {
                        if (before[i] != after[i]) changed++;
                    } else {
                        assertEquals(before[i], after[i], name + ": plane " + p + " (" + x + "," + y + ") outside the caption's box changed");
                    }
                }
            }
        }
        assertTrue(changed > 0, name + ": something drawn inside the box");
    }

    /**
     * White-ish pixels (all channels 215 or more) that were not white before: {count, minX, minY, maxX, maxY}
     * (minX = width when none).
     */
    static int[] textPixels(Mat out, Mat in, int w, int h) {
        int n = 0, minX = w, minY = h, maxX = -1, maxY = -1;
        try (UByteIndexer o = out.createIndexer(); UByteIndexer b = in.createIndexer()) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean white = o.get(y, x, 0) >= 215 && o.get(y, x, 1) >= 215 && o.get(y, x, 2) >= 215;
                    boolean was = b.get(y, x, 0) >= 215 && b.get(y, x, 1) >= 215 && b.get(y, x, 2) >= 215;
                    if (white && !was) {
                        n++;
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
        }
        return new int[] {n, minX, minY, maxX, maxY};
    }

    /** On a grey 128 frame: the bounds of what is white (text) or darker than the shadow alone makes it (outline). */
    static int[] inkBounds(Mat out, int w, int h) {
        int minX = w, minY = h, maxX = -1, maxY = -1;
        try (UByteIndexer o = out.createIndexer()) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = o.get(y, x, 1);
                    if (v >= 215 || v < 45) {
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
        }
        return new int[] {minX, minY, maxX, maxY};
    }

    /**
     * The mean luma of the pixels {@code d} pixels left and right of each white text pixel's run ends inside the box:
     * where the white stops, the outline begins. Only white that was not there before counts.
     */
    static double outlineDarkness(Mat out, Mat in, int w, int h, int[] box, int d) {
        long sum = 0, n = 0;
        try (UByteIndexer o = out.createIndexer(); UByteIndexer b = in.createIndexer()) {
            for (int y = box[1]; y < box[1] + box[3]; y++) {
                for (int x = Math.max(box[0], 1); x < box[0] + box[2] - 1; x++) {
                    boolean white = isWhite(o, y, x) && !isWhite(b, y, x); // the photo's own whites are not text
                    if (white && !isWhite(o, y, x + 1) && x + d < w) { // a run ends
                        sum += luma(o, y, x + d);
                        n++;
                    }
                    if (white && !isWhite(o, y, x - 1) && x - d >= 0) { // a run starts
                        sum += luma(o, y, x - d);
                        n++;
                    }
                }
            }
        }
        return n == 0 ? 255 : sum / (double) n;
    }

    private static boolean isWhite(UByteIndexer o, int y, int x) {
        return o.get(y, x, 0) >= 215 && o.get(y, x, 1) >= 215 && o.get(y, x, 2) >= 215;
    }

    private static int luma(UByteIndexer o, int y, int x) {
        return (o.get(y, x, 0) * 29 + o.get(y, x, 1) * 150 + o.get(y, x, 2) * 77) >> 8;
    }
}
