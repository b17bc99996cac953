package io.lipdrop.lipsync.video;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the EXIF orientation (tag 0x0112) of a JPEG (APP1 "Exif") or PNG (eXIf chunk) from its bytes,
 * whatever the file is called. OpenCV's {@code imread}/{@code imdecode} with {@code IMREAD_COLOR} already turn
 * the picture upright from the same tag; this is only to say what was done ({@link TemplateSource#rotation()}).
 */
public final class ExifOrientation {
    private ExifOrientation() {}

    /** The orientation 1..8 (1 = as stored, also when there is none or it cannot be read). */
    public static int read(byte[] file) {
        try {
            if (isJpeg(file)) return jpeg(file);
            if (isPng(file)) return png(file);
        } catch (RuntimeException e) {
            // a damaged EXIF block: OpenCV shows the picture as stored, and so do we
        }
        return 1;
    }

    /** Degrees clockwise that orientation turns the picture (the mirrored ones, 2, 4, 5 and 7, are also flipped). */
    public static int rotation(int orientation) {
        return switch (orientation) {
            case 3, 4 -> 180;
            case 6, 7 -> 90;
            case 5, 8 -> 270;
            default -> 0;
        };
    }

    static boolean isJpeg(byte[] b) {
        return b.length > 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8;
    }

    static boolean isPng(byte[] b) {
        return b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    private static int jpeg(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xff) != 0xFF) return 1;
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) { i++; continue; }                 // fill byte
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
            if (marker == 0xDA || marker == 0xD9) return 1;      // image data: no EXIF before it
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            int payload = i + 4;
            if (marker == 0xE1 && length >= 8 && payload + 6 <= b.length
                    && new String(b, payload, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                return tiff(b, payload + 6, Math.min(b.length, i + 2 + length));
            }
            i += 2 + length;
        }
        return 1;
    }

    private static int png(byte[] b) {
        int i = 8;
        while (i + 12 <= b.length) {
            int length = ByteBuffer.wrap(b, i, 4).getInt();
            String type = new String(b, i + 4, 4, StandardCharsets.ISO_8859_1);
            if (length < 0 || i + 12L + length > b.length) return 1;
            if (type.equals("eXIf")) return tiff(b, i + 8, i + 8 + length);
            if (type.equals("IEND")) return 1;
            i += 12 + length;
        }
        return 1;
    }

    /** IFD0's orientation from the TIFF structure in {@code b[start, end)}. */
    private static int tiff(byte[] b, int start, int end) {
        if (end - start < 8) return 1;
        ByteBuffer t = ByteBuffer.wrap(b, start, end - start).slice();
        if (b[start] == 'I' && b[start + 1] == 'I') t.order(ByteOrder.LITTLE_ENDIAN);
        else if (b[start] == 'M' && b[start + 1] == 'M') t.order(ByteOrder.BIG_ENDIAN);
        else return 1;
        if (t.getShort(2) != 42) return 1;
        int ifd = t.getInt(4);
        if (ifd < 8 || ifd + 2 > t.limit()) return 1;
        int entries = t.getShort(ifd) & 0xffff;
        for (int e = 0; e < entries; e++) {
            int at = ifd + 2 + 12 * e;
            if (at + 12 > t.limit()) return 1;
            if ((t.getShort(at) & 0xffff) == 0x0112) {
                int type = t.getShort(at + 2) & 0xffff;
                int value = type == 3 ? t.getShort(at + 8) & 0xffff : type == 4 ? t.getInt(at + 8) : 1;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
}
