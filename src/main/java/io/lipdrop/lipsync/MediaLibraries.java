package io.lipdrop.lipsync;

import org.bytedeco.opencv.global.opencv_core;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * One-time set-up of the native media libraries: FFmpeg's own console chatter is limited to errors and
 * javacpp's messages go through slf4j, so everything lands in the one LipDrop log.
 */
public final class MediaLibraries {
    private static volatile boolean done;

    private MediaLibraries() {}

    /**
     * FFmpeg's open errors in plain words: javacv's message carries hints for programmers
     * ("Has setFormat() been called?") that mean nothing to the person who dropped the file.
     */
    public static String describeOpenError(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Invalid data found") || m.contains("-1094995529")) {
            return "FFmpeg cannot read it: the file is damaged, truncated, or not really that kind of file";
        }
        if (m.contains("No such file")) return "the file disappeared while it was being read";
        int hint = m.indexOf(" (Has setFormat");
        return "FFmpeg cannot read it (" + (hint > 0 ? m.substring(0, hint) : m) + ")";
    }

    /**
     * OpenCV's threads for the whole process (its pool is one for all jobs): {@code n} at least 1, or 0 for OpenCV's
     * own count (one per core).
     */
    public static void openCvThreads(int n) {
        opencv_core.setNumThreads(n >= 1 ? n : -1); // -1: OpenCV's default
    }

    public static synchronized void init() {
        if (done) return;
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLog.install(); // FFmpeg's errors ("moov atom not found") into the log, not onto stderr
        done = true;
    }
}
