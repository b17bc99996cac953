package io.lipdrop.lipsync;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * One-time set-up of the native media libraries: FFmpeg's own console chatter is limited to errors and
 * javacpp's messages go through slf4j, so everything lands in the one LipDrop log.
 */
public final class MediaLibraries {
    private static volatile boolean done;

    private MediaLibraries() {}

    public static synchronized void init() {
        if (done) return;
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        done = true;
    }
}
