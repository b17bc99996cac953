package io.lipdrop.lipsync;

import io.lipdrop.lipsync.face.FaceChoice;
import io.lipdrop.lipsync.face.Padding;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One job's own choices for the picture, over the node's settings: a null field keeps the node's value. A plain
 * value (the engine knows nothing of where the choices came from); {@link #DEFAULT} changes nothing.
 *
 * @param model        a model file in models/, {@value #OWN_METHOD} for LipDrop's own method, or null: the node's
 * @param pads         face box padding in pixels, or null
 * @param detector     face detector: auto, mesh, haar or lbp, or null
 * @param face         which face is the presenter when several are visible
 * @param videoBitrate H.264 bit rate in bit/s, or null
 * @param burnCaptions the captions are drawn into the picture ({@code captions: burn};
 *                     {@link io.lipdrop.lipsync.captions.CaptionBurner}): other pixels, so another job key
 * @param language     the language spoken ({@code language: de}), or null: the node's ({@code lipdrop.captions.language}).
 *                     The engine does not read it; it picks the speech model, which writes the captions and (English
 *                     only) places the phonemes the mouths follow, so it is part of the job key through the captions
 */
public record JobOptions(String model, Padding pads, String detector, FaceChoice face, Integer videoBitrate, boolean burnCaptions,
                         String language) {
    /** The model setting that asks for LipDrop's own method (the template's mouths, or the photo warp). */
    public static final String OWN_METHOD = "mouth-library";
    public static final JobOptions DEFAULT = new JobOptions(null, null, null, FaceChoice.LARGEST, null);

    public JobOptions {
        if (face == null) face = FaceChoice.LARGEST;
    }

    /** Choices without burned captions, in the node's language. */
    public JobOptions(String model, Padding pads, String detector, FaceChoice face, Integer videoBitrate) {
        this(model, pads, detector, face, videoBitrate, false);
    }

    /** Choices in the node's language. */
    public JobOptions(String model, Padding pads, String detector, FaceChoice face, Integer videoBitrate, boolean burnCaptions) {
        this(model, pads, detector, face, videoBitrate, burnCaptions, null);
    }

    /** The same choices with the captions burned in or not. */
    public JobOptions withBurnCaptions(boolean burn) {
        return burn == burnCaptions ? this : new JobOptions(model, pads, detector, face, videoBitrate, burn, language);
    }

    /** The same choices in another language (null: the node's). */
    public JobOptions withLanguage(String l) {
        return java.util.Objects.equals(l, language) ? this : new JobOptions(model, pads, detector, face, videoBitrate, burnCaptions, l);
    }

    public boolean isDefault() { return equals(DEFAULT); }

    /** The node's engine settings with this job's choices applied. */
    public EngineSettings applyTo(EngineSettings s) {
        if (pads == null && detector == null && videoBitrate == null) return s;
        Padding p = pads != null ? pads : new Padding(s.padTop(), s.padBottom(), s.padLeft(), s.padRight());
        return new EngineSettings(s.batchSize(), p.top(), p.bottom(), p.left(), p.right(), s.smoothWindow(),
                detector != null ? detector : s.cascade(), s.detectWidth(), s.detectEvery(),
                videoBitrate != null ? videoBitrate : s.videoBitrate(), s.encoders(), s.queueFrames(), s.reverseChunk(),
                s.mouthLibrarySize(), s.codecThreads(), s.maxAudioSeconds());
    }

    /** The choices made, for the report ({@code {}} when none). */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        if (model != null) d.put("model", model);
        if (pads != null) d.put("pads", pads.top() + "," + pads.bottom() + "," + pads.left() + "," + pads.right());
        if (detector != null) d.put("face-detector", detector);
        if (face != FaceChoice.LARGEST) d.put("face", face.label());
        if (videoBitrate != null) d.put("video-bitrate", videoBitrate);
        if (burnCaptions) d.put("captions", "burn");
        if (language != null) d.put("language", language);
        return d;
    }
}
