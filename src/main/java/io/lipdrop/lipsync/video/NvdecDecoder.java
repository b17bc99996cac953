package io.lipdrop.lipsync.video;

import io.lipdrop.lipsync.model.CudaProbe;
import io.lipdrop.lipsync.model.GpuDevices;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;

/**
 * Decodes a template on the GPU's video decoder (NVDEC) through FFmpeg's {@code *_cuvid} decoders, which javacv's
 * FFmpeg build carries: they need only the NVIDIA driver (libnvcuvid.so.1), no CUDA toolkit. The frames come back
 * to system memory and go through the same conversion and {@link FrameGeometry} as software-decoded ones.
 * Where NVDEC cannot open (no driver, no NVDEC for this codec or profile, a container without the driver's
 * video libraries) the template is decoded in software, and the log says why once per decoder.
 */
final class NvdecDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(NvdecDecoder.class);

    /** FFmpeg's codec name -> its NVDEC decoder. */
    static final Map<String, String> CUVID = Map.of("h264", "h264_cuvid", "hevc", "hevc_cuvid", "av1", "av1_cuvid",
            "vp9", "vp9_cuvid", "vp8", "vp8_cuvid", "mpeg4", "mpeg4_cuvid", "mpeg2video", "mpeg2_cuvid",
            "mpeg1video", "mpeg1_cuvid", "mjpeg", "mjpeg_cuvid", "vc1", "vc1_cuvid");

    /** Templates opened so far: each goes to the next GPU, so N workers decode on N GPUs. */
    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private NvdecDecoder() {}

    /** The decoder in use and, when NVDEC was tried and not used, why. */
    record Opened(FFmpegFrameGrabber grabber, String decoder, String fallback) {}

    /**
     * {@code software} (started) or, when {@code choice} asks for NVDEC and it decodes this file, a started NVDEC
     * grabber at the first frame; the software grabber is then closed.
     */
    static Opened open(Path file, FFmpegFrameGrabber software, VideoDecoding choice) {
        String codec = avcodec_get_name(software.getVideoCodec()).getString();
        if (choice == VideoDecoding.SOFTWARE || (choice == VideoDecoding.AUTO && !CudaProbe.gpuPresent())) {
            return new Opened(software, codec, null);
        }
        String cuvid = CUVID.get(codec);
        if (cuvid == null || avcodec_find_decoder_by_name(cuvid) == null) {
            return fallback(software, codec, cuvid == null ? "nvdec" : cuvid, file,
                    "NVDEC has no decoder for " + codec + (cuvid == null ? "" : " in this FFmpeg build"));
        }
        int gpus = Math.max(1, GpuDevices.count("auto"));
        int gpu = Math.floorMod(OPENED.getAndIncrement(), gpus);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        g.setImageMode(FrameGrabber.ImageMode.RAW); // the decoder's own frames: PictureShaper takes them from there
        g.setVideoCodecName(cuvid);
        g.setVideoOption("gpu", String.valueOf(gpu));
        try {
            g.start();
            // a driver that opens but cannot decode this profile (4:4:4, 12-bit...) fails on the first picture
            Frame first = g.grabImage();
            if (first == null || first.image == null) throw new FrameGrabber.Exception("no picture decoded");
            if (first.imageWidth != software.getImageWidth() || first.imageHeight != software.getImageHeight()) {
                throw new FrameGrabber.Exception("pictures of " + first.imageWidth + "x" + first.imageHeight + ", not "
                        + software.getImageWidth() + "x" + software.getImageHeight());
            }
            g.restart(); // back to the first frame, as the software grabber is
        } catch (FrameGrabber.Exception | RuntimeException e) {
            close(g);
            return fallback(software, codec, cuvid, file, brief(e));
        }
        close(software);
        String decoder = cuvid + " (NVDEC, GPU " + gpu + ")";
        if (SAID.add("ok")) LOG.info("templates are decoded with NVDEC ({} for {})", decoder, file.getFileName());
        else LOG.debug("{}: {}", file.getFileName(), decoder);
        return new Opened(g, decoder, null);
    }

    private static Opened fallback(FFmpegFrameGrabber software, String codec, String cuvid, Path file, String why) {
        String reason = cuvid + " could not decode " + file.getFileName() + ": " + why.replaceFirst("\\.$", "");
        if (SAID.add(cuvid)) LOG.warn("NVDEC: {}; {} templates are decoded in software (FFmpeg's own reason, if it gave one, is the line above)", reason, codec);
        else LOG.debug("NVDEC: {}", reason);
        return new Opened(software, codec, reason);
    }

    private static String brief(Exception e) {
        String m = String.valueOf(e.getMessage());
        int hint = m.indexOf(" (For more details");
        return hint > 0 ? m.substring(0, hint) : m;
    }

    private static void close(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception ignored) {
            // a reader: nothing to lose
        }
    }
}
