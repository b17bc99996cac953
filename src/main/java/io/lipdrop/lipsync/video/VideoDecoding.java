package io.lipdrop.lipsync.video;

import java.util.Locale;

/** How templates are decoded: {@code auto} NVDEC where an NVIDIA driver is present, {@code nvdec} always try it, {@code software} never. */
public enum VideoDecoding {
    AUTO, NVDEC, SOFTWARE;

    public static VideoDecoding parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the template decoder must be auto, nvdec or software, not '" + value + "'");
        }
    }
}
