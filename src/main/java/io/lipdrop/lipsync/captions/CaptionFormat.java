package io.lipdrop.lipsync.captions;

import java.util.List;
import java.util.Locale;

/** Captions as text in the two formats players take: SubRip ({@code .srt}) and WebVTT ({@code .vtt}, what a browser's {@code <track>} reads). */
public enum CaptionFormat {
    SRT("srt"),
    VTT("vtt");

    private final String extension;

    CaptionFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public String render(List<Cue> cues) {
        StringBuilder b = new StringBuilder(this == VTT ? "WEBVTT\n\n" : "");
        int n = 0;
        for (Cue c : cues) {
            if (this == SRT) b.append(++n).append('\n');
            b.append(time(c.start())).append(" --> ").append(time(c.end())).append('\n');
            // a cue's text ends at its first empty line, and WebVTT reads < and & as markup
            for (String line : c.lines()) b.append(this == VTT ? line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") : line).append('\n');
            b.append('\n');
        }
        return b.toString();
    }

    /** 00:01:02,345 (SRT) or 00:01:02.345 (WebVTT). */
    String time(double seconds) {
        long ms = Math.max(0, Math.round(seconds * 1000));
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                this == SRT ? "," : ".", ms % 1000);
    }
}
