package io.lipdrop.lipsync.captions;

import io.lipdrop.lipsync.video.Picture;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;

/**
 * Burns a job's captions into its picture ({@code captions: burn}): the cue heard at a frame's time is drawn in white
 * DejaVu Sans with a dark outline and a soft shadow, centred near the bottom inside a safe margin of
 * {@value #MARGIN} of the frame's height (bottom) and width (sides). The font is {@value #FONT_PER_HEIGHT} of the
 * frame's height (54 px at 1080p, 24 px at 480p, 96 px on a 1080x1920 portrait video). A cue's lines that are wider
 * than the safe area are wrapped again at its width, as evenly as they go; above {@value #MAX_WRAPPED_LINES} lines
 * (the captions' own limit) the font is made smaller, down to {@value #MIN_SCALE} of its size, rather than cover
 * the presenter: a 42-character line fits two lines at 0.78 of the size on a 512x512 or 624x624 frame (four lines at
 * full size covered the chin and neck there); only a narrow portrait frame still needs more lines at the smallest size.
 *
 * <p>Each cue is rendered once (Java2D, antialiased, the glyphs' outlines stroked) into a premultiplied BGR overlay
 * and its inverse alpha, kept while the cue is shown; a frame then costs two OpenCV passes over the caption's box only
 * ({@code frame * (255 - alpha) / 255 + overlay}), and the picture converts that box alone between I420 and BGR
 * ({@link Picture#bgr(int, int, int, int)}, {@link Picture#changed}). Everything outside the box keeps the decoder's
 * bytes. Measured on the 2-core machine ({@code CaptionBurnerTest.aFrameCostsLittle}, two-line cue): 0.9-1.4 ms a
 * frame at 1080x1920 (a 884x376 box of four wrapped lines), 0.5-1.1 ms at 1920x1080, 0.16-0.24 ms at 512x512; once
 * per cue, its rendering: 40-75 ms, 25-35 ms and 10-12 ms.
 *
 * <p>One burner per job: not thread-safe; {@link #close()} frees the cached overlay (optional: the Mats are also
 * freed by javacpp's collector).
 */
public final class CaptionBurner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptionBurner.class);

    /** Debian's fonts-dejavu-core. */
    public static final Path DEJAVU_SANS = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    /** Font size (pixels, the em) per pixel of frame height. */
    public static final double FONT_PER_HEIGHT = 1.0 / 20;
    /** The safe margin: this share of the height below the text, of the width on each side. */
    public static final double MARGIN = 0.05;
    /** More lines than this after wrapping to the safe width: the font is made smaller. */
    public static final int MAX_WRAPPED_LINES = 2;
    /** The smallest font, as a share of {@link #FONT_PER_HEIGHT}'s size, when a cue needs many lines. */
    public static final double MIN_SCALE = 0.6;
    /**
     * The look's identity in job keys: a burned video's pixels depend on it (bump it when the font, size, colours or
     * placement change, so a cached result made with the old look is not reused).
     */
    public static final String LOOK_ID = "dejavu-sans-white-outline-2";

    private static final Font BASE_FONT = loadFont(DEJAVU_SANS);

    private final int width;
    private final int height;
    private final List<Cue> cues;
    private int last = -1;              // the cue drawn last: the next frame's is usually the same or the one after
    private Cue cached;
    private Overlay overlay;

    /**
     * @param width  the video's width in pixels
     * @param height the video's height in pixels
     * @param cues   the job's captions ({@link Captions#cues}); need not be sorted
     */
    public CaptionBurner(int width, int height, List<Cue> cues) {
        if (width < 2 || height < 2) throw new IllegalArgumentException("no picture to burn captions into: " + width + "x" + height);
        this.width = width;
        this.height = height;
        this.cues = cues.stream().sorted(Comparator.comparingDouble(Cue::start)).toList();
    }

    /**
     * Draws the cue shown at {@code seconds} (start inclusive, end exclusive; if any) onto the picture, in place,
     * touching only its box ({@link #box}); times may come in any order (a seek looks the cue up again).
     *
     * @throws IllegalArgumentException when the picture is not the size the burner was made for
     */
    public void draw(double seconds, Picture picture) {
        if (picture.width() != width || picture.height() != height) {
            throw new IllegalArgumentException("a " + picture.width() + "x" + picture.height() + " frame for a burner made for "
                    + width + "x" + height);
        }
        Cue cue = active(seconds);
        if (cue == null) return;
        Overlay o = overlayFor(cue);
        if (o == null) return; // nothing visible (blank text)
        Mat bgr = picture.bgr(o.x, o.y, o.w, o.h);
        try (Rect r = new Rect(o.x, o.y, o.w, o.h); Mat roi = bgr.apply(r)) {
            multiply(roi, o.inverseAlpha, roi, 1.0 / 255, -1);
            add(roi, o.premultiplied, roi);
        }
        picture.changed(o.x, o.y, o.w, o.h);
    }

    /** The box the cue shown at {@code seconds} is drawn in, {x, y, w, h} in frame pixels, or null when none is shown. */
    public int[] box(double seconds) {
        Cue cue = active(seconds);
        Overlay o = cue == null ? null : overlayFor(cue);
        return o == null ? null : new int[] {o.x, o.y, o.w, o.h};
    }

    /** The font size in pixels for this frame (before any shrinking for a cue of many lines). */
    public int fontSize() {
        return Math.max(10, (int) Math.round(height * FONT_PER_HEIGHT));
    }

    /** The lines the cue is drawn in (wrapped to the safe width) and its font size in pixels, for tests and logs. */
    public Layout layout(Cue cue) {
        double safeWidth = width * (1 - 2 * MARGIN);
        int size = fontSize();
        int smallest = Math.max(8, (int) Math.round(size * MIN_SCALE));
        while (true) {
            Font font = BASE_FONT.deriveFont((float) size);
            List<String> lines = wrap(cue.lines(), font, safeWidth - 2 * stroke(size)); // the outline inside the margins too
            if (lines.size() <= MAX_WRAPPED_LINES || size <= smallest) return new Layout(lines, size);
            size = Math.max(smallest, (int) Math.floor(size * 0.9));
        }
    }

    /** The lines a cue is drawn in, and the font size in pixels. */
    public record Layout(List<String> lines, int fontSize) {}

    private Cue active(double seconds) {
        if (last >= 0 && last < cues.size() && shows(cues.get(last), seconds)) return cues.get(last);
        if (last + 1 < cues.size() && shows(cues.get(last + 1), seconds)) return cues.get(++last);
        // a seek: the last cue starting at or before the time
        int lo = 0, hi = cues.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cues.get(mid).start() <= seconds) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = found; i >= 0 && i > found - 3; i--) { // cues from Captions never overlap; a few back covers a hand-made one
            if (shows(cues.get(i), seconds)) {
                last = i;
                return cues.get(i);
            }
        }
        return null;
    }

    /** The outline's width beyond the glyph's edge: 1/9 em, at least 2 px (thinner read as a grey fringe at 480p). */
    private static float stroke(int size) {
        return Math.max(2f, size / 9f);
    }

    private static boolean shows(Cue c, double seconds) {
        return c.start() <= seconds && seconds < c.end();
    }

    private Overlay overlayFor(Cue cue) {
        if (cue != cached) {
            if (overlay != null) overlay.close();
            overlay = render(cue);
            cached = cue;
        }
        return overlay;
    }

    /**
     * The cue's text over a transparent background: the glyphs' outlines stroked in near-black (the outline), filled
     * in white, and below them a blurred, offset copy of the whole as the shadow; then cropped to what is not
     * transparent and placed in the frame.
     */
    private Overlay render(Cue cue) {
        Layout layout = layout(cue);
        List<String> lines = layout.lines().stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) return null;
        int size = layout.fontSize();
        Font font = BASE_FONT.deriveFont((float) size);
        FontRenderContext frc = new FontRenderContext(null, true, true);
        float stroke = stroke(size);
        int shadowOffset = Math.max(1, Math.round(size / 24f));
        double shadowSigma = Math.max(1, size / 18.0);
        int pad = (int) Math.ceil(stroke + shadowOffset + 3 * shadowSigma) + 2;
        double lineHeight = size * 1.2;

        List<TextLayout> layouts = new ArrayList<>();
        double widest = 0;
        for (String line : lines) {
            TextLayout t = new TextLayout(line, font, frc);
            layouts.add(t);
            widest = Math.max(widest, t.getAdvance());
        }
        float ascent = layouts.get(0).getAscent(), descent = layouts.get(layouts.size() - 1).getDescent();
        int imgW = (int) Math.ceil(widest) + 2 * pad;
        int imgH = (int) Math.ceil(ascent + descent + lineHeight * (lines.size() - 1)) + 2 * pad;

        BufferedImage img = new BufferedImage(imgW, imgH, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            List<Shape> shapes = new ArrayList<>();
            for (int i = 0; i < layouts.size(); i++) {
                TextLayout t = layouts.get(i);
                double x = pad + (widest - t.getAdvance()) / 2; // each line centred
                double baseline = pad + ascent + lineHeight * i;
                shapes.add(t.getOutline(AffineTransform.getTranslateInstance(x, baseline)));
            }
            g.setColor(new Color(16, 16, 16));
            // a stroke is centred on the edge: twice the outline's width, half of it under the fill
            g.setStroke(new BasicStroke(stroke * 2, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (Shape s : shapes) g.draw(s);
            g.setColor(Color.WHITE);
            for (Shape s : shapes) g.fill(s);
        } finally {
            g.dispose();
        }

        int[] argb = img.getRGB(0, 0, imgW, imgH, null, 0, imgW);
        // the shadow: the text's alpha moved down and right, blurred, at 60 %
        byte[] shadowBytes = new byte[imgW * imgH];
        for (int y = shadowOffset; y < imgH; y++) {
            for (int x = shadowOffset; x < imgW; x++) {
                shadowBytes[y * imgW + x] = (byte) (argb[(y - shadowOffset) * imgW + x - shadowOffset] >>> 24);
            }
        }
        int[] shadow = new int[imgW * imgH];
        try (Mat s = new Mat(imgH, imgW, CV_8UC1); Size k = new Size(0, 0)) {
            s.data().put(shadowBytes);
            GaussianBlur(s, s, k, shadowSigma);
            s.data().get(shadowBytes);
        }
        for (int i = 0; i < shadow.length; i++) shadow[i] = (shadowBytes[i] & 0xff) * 6 / 10;

        // composite text over shadow (black): alpha A = a + s(1 - a), premultiplied colour = c * a; cropped to A > 0
        int minX = imgW, minY = imgH, maxX = -1, maxY = -1;
        int[] alpha = new int[imgW * imgH];
        for (int y = 0; y < imgH; y++) {
            for (int x = 0; x < imgW; x++) {
                int i = y * imgW + x, a = argb[i] >>> 24;
                int total = a + (shadow[i] * (255 - a) + 127) / 255;
                alpha[i] = total;
                if (total > 0) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) return null;

        // placed: centred, its bottom on the bottom margin, inside the side margins where it fits; even corners
        // (I420 shares chroma between 2x2 pixels: the picture would widen an odd box by a pixel it was not asked for)
        int w = maxX - minX + 1, h = maxY - minY + 1;
        int frameX = (width - w) / 2;
        int bottom = (int) Math.round(height * (1 - MARGIN));
        int frameY = bottom - h;
        // crop origin in the image follows the frame position, so odd offsets move the box by one pixel, not the text
        int x0 = frameX & ~1, y0 = frameY & ~1;
        minX -= frameX - x0;
        minY -= frameY - y0;
        w += frameX - x0;
        h += frameY - y0;
        w += w & 1;
        h += h & 1;
        // clip to the frame (a single word wider than the frame, or text taller than it)
        if (x0 < 0) { minX -= x0; w += x0; x0 = 0; }
        if (y0 < 0) { minY -= y0; h += y0; y0 = 0; }
        w = Math.min(w, width - x0) & ~1;
        h = Math.min(h, height - y0) & ~1;
        if (w < 2 || h < 2) return null;

        byte[] pre = new byte[w * h * 3], inv = new byte[w * h * 3];
        java.util.Arrays.fill(inv, (byte) 255);
        for (int y = 0; y < h; y++) {
            int sy = y + minY;
            if (sy < 0 || sy >= imgH) continue;
            for (int x = 0; x < w; x++) {
                int sx = x + minX;
                if (sx < 0 || sx >= imgW) continue;
                int i = sy * imgW + sx, c = argb[i], a = c >>> 24, o = (y * w + x) * 3;
                pre[o] = (byte) (((c & 0xff) * a + 127) / 255);
                pre[o + 1] = (byte) (((c >> 8 & 0xff) * a + 127) / 255);
                pre[o + 2] = (byte) (((c >> 16 & 0xff) * a + 127) / 255);
                inv[o] = inv[o + 1] = inv[o + 2] = (byte) (255 - alpha[i]);
            }
        }
        Mat premultiplied = new Mat(h, w, CV_8UC3);
        Mat inverse = new Mat(h, w, CV_8UC3);
        premultiplied.data().put(pre);
        inverse.data().put(inv);
        return new Overlay(x0, y0, w, h, premultiplied, inverse);
    }

    /** Lines that fit {@code maxWidth} as they are stay; the others are wrapped at it, each as evenly as it goes. */
    static List<String> wrap(List<String> lines, Font font, double maxWidth) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (advance(line, font, frc) <= maxWidth) {
                out.add(line);
                continue;
            }
            List<String> words = new ArrayList<>();
            for (String word : line.trim().split("\\s+")) words.addAll(pieces(word, font, frc, maxWidth));
            List<String> greedy = greedy(words, font, frc, maxWidth);
            // the narrowest width that still gives as few lines: even lines, not a full one and a lone word
            double lo = 0, hi = maxWidth;
            List<String> best = greedy;
            for (int i = 0; i < 12; i++) {
                double mid = (lo + hi) / 2;
                List<String> tryLines = greedy(words, font, frc, mid);
                if (tryLines != null && tryLines.size() <= greedy.size()) {
                    best = tryLines;
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            out.addAll(best);
        }
        return out;
    }

    /** Words packed into lines no wider than {@code width}; null when a word alone is wider. */
    private static List<String> greedy(List<String> words, Font font, FontRenderContext frc, double width) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String w : words) {
            if (advance(w, font, frc) > width) return null;
            String candidate = current.length() == 0 ? w : current + " " + w;
            if (current.length() > 0 && advance(candidate, font, frc) > width) {
                lines.add(current.toString());
                current = new StringBuilder(w);
            } else {
                current = new StringBuilder(candidate);
            }
        }
        if (current.length() > 0) lines.add(current.toString());
        return lines;
    }

    /** A word wider than the line cut into pieces that fit (a name or URL the recogniser ran together). */
    private static List<String> pieces(String word, Font font, FontRenderContext frc, double width) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = start + 1;
            while (end < word.length() && advance(word.substring(start, end + 1), font, frc) <= width) end++;
            out.add(word.substring(start, end));
            start = end;
        }
        return out;
    }

    private static double advance(String s, Font font, FontRenderContext frc) {
        return s.isEmpty() ? 0 : font.getStringBounds(s, frc).getWidth();
    }

    /** The font in {@code file}, or Java's logical SansSerif font when it is missing or unreadable (said once, in a WARN line). */
    static Font loadFont(Path file) {
        if (Files.isReadable(file)) {
            try {
                return Font.createFont(Font.TRUETYPE_FONT, file.toFile());
            } catch (FontFormatException | IOException e) {
                LOG.warn("burned captions: {} cannot be read ({}); using Java's SansSerif font", file, e.toString());
                return new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            }
        }
        LOG.warn("burned captions: {} is missing (install Debian's fonts-dejavu-core); using Java's SansSerif font", file);
        return new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    }

    /** The name of the font the captions are drawn in (DejaVu Sans, or the fallback's). */
    public static String fontName() {
        return BASE_FONT.getFontName();
    }

    @Override
    public void close() {
        if (overlay != null) overlay.close();
        overlay = null;
        cached = null;
    }

    /** A rendered cue: where it goes in the frame, its premultiplied BGR and 255 - alpha (3 channels, for one multiply). */
    private record Overlay(int x, int y, int w, int h, Mat premultiplied, Mat inverseAlpha) implements AutoCloseable {
        @Override
        public void close() {
            premultiplied.close();
            inverseAlpha.close();
        }
    }
}
