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
    private final long maxSeconds;

    /** A decoder for audio of any length (the command line tools, the benchmarks). */
    public AudioDecoder() { this(Integer.MAX_VALUE / MelSpectrogram.SAMPLE_RATE); }

    /** @param maxSeconds longer audio is refused as unusable input (a job's speech has a bound; the neural path holds it whole) */
    public AudioDecoder(long maxSeconds) { this.maxSeconds = maxSeconds; }

    /** The whole audio in one array: for the neural path's mel spectrogram and the tools. */
    public float[] decodeMono16k(Path file) {
        Whole whole = new Whole();
        stream(file, whole::size, whole);
        return whole.samples();
    }

    /** Collects the chunks into one array, sized from the container's duration (see {@link #stream}). */
    private static final class Whole implements SampleSink {
        private float[] pcm;
        private int n;

        void size(long expected) {
            pcm = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(1 << 16, expected + MelSpectrogram.SAMPLE_RATE))];
        }

        @Override
        public void accept(float[] samples, int from, int to) {
            int len = to - from;
            if (n + len > pcm.length) pcm = Arrays.copyOf(pcm, Math.max(pcm.length + pcm.length / 4, n + len));
            System.arraycopy(samples, from, pcm, n, len);
            n += len;
        }

        float[] samples() { return n == pcm.length ? pcm : Arrays.copyOf(pcm, n); }
    }

    /**
     * Decodes {@code file} chunk by chunk into {@code sink}, holding one chunk at a time, and returns how many
     * samples it had. Audio longer than this decoder's maximum is refused as unusable input before it is read
     * (from the container's duration) or as soon as it is seen to be longer (a container may understate it).
     */
    public long stream(Path file, SampleSink sink) {
        return stream(file, expected -> { }, sink);
    }

    private long stream(Path file, java.util.function.LongConsumer expectedSamples, SampleSink sink) {
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
            // the container's duration sizes a whole-audio array (growing by doubling copies a long recording several
            // times, and those short-lived multi-MB arrays make the JVM commit heap it then keeps)
            long expected = grabber.getLengthInTime() > 0 ? grabber.getLengthInTime() * MelSpectrogram.SAMPLE_RATE / 1_000_000 : 0;
            long maxSamples = maxSeconds * MelSpectrogram.SAMPLE_RATE;
            if (expected > maxSamples) throw tooLong(file, expected);
            expectedSamples.accept(expected);
            long n = 0;
            float[] chunk = new float[0];
            Frame f;
            while ((f = grabber.grabSamples()) != null) {
                if (f.samples == null) continue;
                FloatBuffer b = (FloatBuffer) f.samples[0];
                int len = b.remaining();
                if (n + len > maxSamples) throw tooLong(file, n + len); // the container understated its length
                if (chunk.length < len) chunk = new float[len];
                b.get(chunk, 0, len);
                sink.accept(chunk, 0, len);
                n += len;
            }
            grabber.stop();
            if (n == 0) {
                throw new UnusableInputException(file, "the audio stream holds no samples",
                        "Check that the recording is not empty and drop it again.");
            }
            return n;
        } catch (FrameGrabber.Exception e) {
            throw new UnusableInputException(file, "the audio could not be decoded (" + e.getMessage() + ")",
                    "Re-export the audio; the file may be truncated.", e);
        }
    }

    private UnusableInputException tooLong(Path file, long samples) {
        long minutes = samples / MelSpectrogram.SAMPLE_RATE / 60;
        return new UnusableInputException(file, "the audio is " + (minutes > 0 ? "at least " + minutes + " min" : "too") + " long; one job takes at most "
                + maxSeconds / 60 + " min (lipdrop.jobs.max-audio-minutes)",
                "Split the speech into parts of at most " + maxSeconds / 60 + " minutes and drop each with the template, "
                        + "or raise lipdrop.jobs.max-audio-minutes (with a neural model also the heap, -Xmx, by about 250 MB an hour).");
    }
}
