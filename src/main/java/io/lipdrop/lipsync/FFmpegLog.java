package io.lipdrop.lipsync;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own messages ("moov atom not found") into LipDrop's log, one line each. javacv's FFmpegLogCallback
 * passes FFmpeg's text on as it comes, ending in a newline that the log's escaping shows as a literal {@code \n}.
 */
final class FFmpegLog extends LogCallback {
    private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
    /** Held for the life of the process: FFmpeg calls it from native code. */
    private static final FFmpegLog INSTANCE = new FFmpegLog().retainReference();

    static void install() { avutil.setLogCallback(INSTANCE); }

    @Override
    public void call(int level, BytePointer msg) {
        String text = msg.getString().strip();
        if (text.isEmpty()) return;
        if (level <= avutil.AV_LOG_ERROR) LOG.error(text);
        else if (level <= avutil.AV_LOG_WARNING) LOG.warn(text);
        else LOG.debug(text);
    }
}
