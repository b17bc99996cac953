package io.lipdrop.lipsync.audio;

import io.lipdrop.lipsync.UnusableInputException;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/** Decodes any FFmpeg-readable audio (or the audio track of a video) to mono 16 kHz float PCM. */
public final class AudioDecoder {

    public float[] decodeMono16k(Path file) {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setSampleRate(MelSpectrogram.SAMPLE_RATE);
            grabber.setAudioChannels(1);
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw new UnusableInputException(file, io.lipdrop.lipsync.MediaLibraries.describeOpenError(e),
                        "Export the speech again as WAV, MP3, M4A, AAC, FLAC or OGG and drop it again.", e);
            }
            if (!grabber.hasAudio()) {
                throw new UnusableInputException(file, "the file has no audio stream",
                        "Drop a file that contains the speech recording.");
            }
            // sized from the container's duration: growing by doubling copies a long recording several
            // times, and those short-lived multi-MB arrays make the JVM commit heap it then keeps
            long expected = grabber.getLengthInTime() > 0 ? grabber.getLengthInTime() * MelSpectrogram.SAMPLE_RATE / 1_000_000 : 0;
            float[] pcm = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(1 << 16, expected + MelSpectrogram.SAMPLE_RATE))];
            int n = 0;
            Frame f;
            while ((f = grabber.grabSamples()) != null) {
                if (f.samples == null) continue;
                FloatBuffer b = (FloatBuffer) f.samples[0];
                int len = b.remaining();
                if (n + len > pcm.length) pcm = Arrays.copyOf(pcm, Math.max(pcm.length + pcm.length / 4, n + len));
                b.get(pcm, n, len);
                n += len;
            }
            grabber.stop();
            if (n == 0) {
                throw new UnusableInputException(file, "the audio stream holds no samples",
                        "Check that the recording is not empty and drop it again.");
            }
            return n == pcm.length ? pcm : Arrays.copyOf(pcm, n);
        } catch (FrameGrabber.Exception e) {
            throw new UnusableInputException(file, "the audio could not be decoded (" + e.getMessage() + ")",
                    "Re-export the audio; the file may be truncated.", e);
        }
    }
}
