package io.lipdrop.lipsync.video;

import org.bytedeco.javacpp.BytePointer;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/**
 * Tells apart, from javacv's exception messages ("avio_open2 error() error -28: ..."), failures of the machine
 * (disk full, I/O error, out of memory: worth another try) from failures caused by the input (never worth one).
 */
final class MediaErrors {
    private MediaErrors() {}

    private static final Pattern CODE = Pattern.compile("error (-\\d+)");

    // Linux errno values, negated as FFmpeg's AVERROR(e) does
    private static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
            EBUSY = 16, ENOTDIR = 20, ENFILE = 23, EMFILE = 24, EFBIG = 27, ENOSPC = 28, EROFS = 30, EPIPE = 32,
            ETIMEDOUT = 110, ESTALE = 116, EDQUOT = 122;

    /** Reading may work next time: the file is fine, the machine was not. */
    private static final Set<Integer> TRANSIENT_READ = Set.of(-EINTR, -EIO, -EAGAIN, -ENOMEM, -EBUSY, -ENFILE, -EMFILE,
            -ETIMEDOUT, -ESTALE);
    /** Writing the output failed: the disk, the work folder or the machine, never the input. */
    private static final Set<Integer> WRITE = Set.of(-EPERM, -ENOENT, -EINTR, -EIO, -EAGAIN, -ENOMEM, -EACCES, -EBUSY,
            -ENOTDIR, -ENFILE, -EMFILE, -EFBIG, -ENOSPC, -EROFS, -EPIPE, -ETIMEDOUT, -ESTALE, -EDQUOT);

    /** FFmpeg's error code in a javacv message, or 0. */
    static int code(Throwable e) {
        if (e == null || e.getMessage() == null) return 0;
        Matcher m = CODE.matcher(e.getMessage());
        if (!m.find()) return 0;
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException overflow) {
            return 0;
        }
    }

    static boolean transientRead(Throwable e) { return TRANSIENT_READ.contains(code(e)); }

    /**
     * Writing the output file failed (opening it, its header, a packet, the trailer), for a reason of the disk
     * or folder. An encoder that fails to open ({@code avcodec_open2}: NVENC without a GPU says EPERM) is not one.
     */
    static boolean writeFailure(Throwable e) {
        String m = String.valueOf(e.getMessage());
        boolean output = m.startsWith("avio_open") || m.startsWith("avformat_write_header") || m.startsWith("av_write_frame")
                || m.startsWith("av_interleaved_write_frame") || m.startsWith("av_write_trailer");
        return output && WRITE.contains(code(e));
    }

    /**
     * "avcodec_open2() error -1313558101 (Generic error in an external library)": the call and FFmpeg's words,
     * without javacv's tail (hints for programmers, and file names it sometimes reads from freed memory).
     */
    static String brief(Throwable e) {
        String m = String.valueOf(e.getMessage());
        Matcher c = CODE.matcher(m);
        if (!c.find()) {
            int hint = m.indexOf(" (For more details");
            return hint > 0 ? m.substring(0, hint) : m;
        }
        return m.substring(0, c.end()) + " (" + text(code(e)) + ")";
    }

    /** "No space left on device" for -28. */
    static String text(int code) {
        try (BytePointer buf = new BytePointer(256)) {
            if (av_strerror(code, buf, 256) != 0) return "error " + code;
            String text = buf.getString(); // the whole buffer: cut at the terminating NUL
            int end = text.indexOf('\0');
            return end >= 0 ? text.substring(0, end) : text;
        }
    }
}
