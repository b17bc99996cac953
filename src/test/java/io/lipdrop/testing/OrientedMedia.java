package io.lipdrop.testing;

import io.lipdrop.lipsync.MediaLibraries;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.zip.CRC32;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * Media the way phones and cameras make it: videos with a display rotation, photos with an EXIF orientation,
 * files cut short or in a codec FFmpeg cannot decode. Everything is built here, byte by byte where needed.
 */
public final class OrientedMedia {
    private OrientedMedia() {}

    /** Grey 20*i+20 (frame number readable back) with a white {@code mark}x{@code mark} square in the top-left corner. */
    public static Mat markedFrame(int width, int height, int i, int mark) {
        Mat m = new Mat(height, width, CV_8UC3, new Scalar(20 * i + 20, 20 * i + 20, 20 * i + 20, 0));
        try (Rect r = new Rect(0, 0, mark, mark); Mat corner = m.apply(r); Scalar white = new Scalar(255, 255, 255, 0)) {
            corner.put(white);
        }
        return m;
    }

    /**
     * H.264 MP4 of {@code frames} pictures. {@code displayRotation} as javacv's
     * {@code FFmpegFrameRecorder.setDisplayRotation} takes it (counter-clockwise degrees, the value
     * {@code FFmpegFrameGrabber.getDisplayRotation} reads back); a phone held upright records -90.
     */
    public static Path video(Path out, int width, int height, double fps, int frames, double displayRotation, boolean faststart,
                             IntFunction<Mat> frame) throws Exception {
        MediaLibraries.init();
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            r.setFormat("mp4");
            r.setVideoCodecName("libopenh264");
            r.setPixelFormat(AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            r.setVideoBitrate((int) Math.max(500_000, width * (double) height * fps * 0.3));
            r.setGopSize((int) Math.round(fps));
            if (displayRotation != 0) r.setDisplayRotation(displayRotation);
            if (faststart) r.setOption("movflags", "+faststart");
            r.start();
            for (int i = 0; i < frames; i++) {
                Mat m = frame.apply(i);
                r.record(conv.convert(m));
                m.close();
            }
            r.stop();
        }
        return out;
    }

    public static byte[] encode(String ext, Mat image) {
        try (BytePointer buf = new BytePointer()) {
            if (!imencode(ext, image, buf)) throw new IllegalStateException("cannot encode " + ext);
            byte[] bytes = new byte[(int) buf.limit()];
            buf.get(bytes);
            return bytes;
        }
    }

    /** A TIFF structure with one IFD0 entry: Orientation (0x0112, SHORT) = {@code orientation}. */
    public static byte[] exifTiff(int orientation, boolean bigEndian) {
        ByteBuffer t = ByteBuffer.allocate(26).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        byte order = (byte) (bigEndian ? 'M' : 'I');
        t.put(order).put(order).putShort((short) 42).putInt(8);     // header, IFD0 at 8
        t.putShort((short) 1);                                       // one entry
        t.putShort((short) 0x0112).putShort((short) 3).putInt(1);    // Orientation, SHORT, count 1
        t.putShort((short) orientation).putShort((short) 0);         // value, padded to 4 bytes
        t.putInt(0);                                                 // no next IFD
        return t.array();
    }

    /** {@code jpeg} with an APP1 "Exif" segment right after SOI carrying {@code orientation}. */
    public static byte[] jpegWithOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        byte[] tiff = exifTiff(orientation, bigEndian);
        int length = 2 + 6 + tiff.length;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(jpeg, 0, 2);                                         // SOI
        o.write(0xFF);
        o.write(0xE1);
        o.write(length >> 8);
        o.write(length & 0xff);
        o.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        o.writeBytes(tiff);
        o.write(jpeg, 2, jpeg.length - 2);
        return o.toByteArray();
    }

    /** {@code png} with an eXIf chunk after IHDR carrying {@code orientation}. */
    public static byte[] pngWithOrientation(byte[] png, int orientation) {
        byte[] tiff = exifTiff(orientation, true);
        byte[] type = "eXIf".getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(tiff);
        ByteBuffer chunk = ByteBuffer.allocate(12 + tiff.length).putInt(tiff.length).put(type).put(tiff).putInt((int) crc.getValue());
        int afterIhdr = 8 + 8 + 13 + 4;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(png, 0, afterIhdr);
        o.writeBytes(chunk.array());
        o.write(png, afterIhdr, png.length - afterIhdr);
        return o.toByteArray();
    }

    /** A copy of an MP4 whose video sample entry says {@code fourcc} instead of avc1 (the data stays H.264). */
    public static Path withSampleEntry(Path mp4, Path out, String fourcc) throws IOException {
        byte[] b = Files.readAllBytes(mp4);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int at = s.indexOf("avc1", s.indexOf("stsd"));
        if (at < 0) throw new IllegalArgumentException("no avc1 sample entry in " + mp4);
        byte[] tag = fourcc.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tag, 0, b, at, 4);
        Files.write(out, b);
        return out;
    }

    /**
     * A copy of an MP4 (one video track, {@code fps}, as {@link #video} writes it) whose edit list plays only frames
     * {@code skip .. skip+keep-1}: a clip trimmed in an editor without re-encoding. Its index still lists every frame.
     */
    public static Path trimmedByEditList(Path mp4, Path out, double fps, int skip, int keep) throws IOException {
        byte[] b = Files.readAllBytes(mp4);
        ByteBuffer d = ByteBuffer.wrap(b);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int mvhd = s.indexOf("mvhd"), mdhd = s.indexOf("mdhd"), tkhd = s.indexOf("tkhd"), elst = s.indexOf("elst");
        if (mvhd < 0 || mdhd < 0 || tkhd < 0 || elst < 0 || b[mvhd + 4] != 0 || b[elst + 4] != 0 || d.getInt(elst + 8) != 1) {
            throw new IllegalArgumentException("not a one-edit version-0 MP4: " + mp4);
        }
        int movieScale = d.getInt(mvhd + 4 + 12), mediaScale = d.getInt(mdhd + 4 + 12);
        int keepMovie = (int) Math.round(keep * movieScale / fps);
        d.putInt(elst + 12, keepMovie);                                       // segment duration
        d.putInt(elst + 16, (int) Math.round(skip * mediaScale / fps));       // media time: where it starts
        d.putInt(mvhd + 4 + 16, keepMovie);                                   // movie and track durations
        d.putInt(tkhd + 4 + 20, keepMovie);
        Files.write(out, b);
        return out;
    }

    /** The first {@code fraction} of a file, as an upload cut short leaves it. */
    public static Path truncated(Path file, Path out, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(out, java.util.Arrays.copyOf(b, (int) (b.length * fraction)));
        return out;
    }
}
