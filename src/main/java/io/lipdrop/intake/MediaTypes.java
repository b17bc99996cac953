package io.lipdrop.intake;

import io.lipdrop.lipsync.video.TemplateSource;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Which file extensions LipDrop takes, and as what. */
public final class MediaTypes {
    public static final Set<String> AUDIO = Set.of("wav", "mp3", "m4a", "aac", "flac", "ogg");
    public static final Set<String> VIDEO = Set.of("mp4", "mov", "mkv", "avi", "webm");
    /** What the engine reads as a still image (a talking photo). */
    public static final Set<String> PHOTO = TemplateSource.IMAGE_EXTENSIONS;

    private MediaTypes() {}

    public static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? n : n.substring(0, dot);
    }

    public static boolean isAudio(Path p) { return AUDIO.contains(extension(p)); }
    /** A presenter template: a video, or a photo that stands in for one. */
    public static boolean isTemplate(Path p) { return VIDEO.contains(extension(p)) || PHOTO.contains(extension(p)); }
    public static boolean isSupported(Path p) { return isAudio(p) || isTemplate(p); }

    /** Names that uploaders use while a file is still arriving, and hidden files: never picked up. */
    public static boolean isTransient(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.startsWith(".") || n.startsWith("~") || n.endsWith(".part") || n.endsWith(".tmp")
                || n.endsWith(".crdownload") || n.endsWith(".filepart") || n.endsWith("~") || n.endsWith(".error.txt");
    }

    public static String supportedList() {
        return "audio " + String.join("/", new java.util.TreeSet<>(AUDIO)) + ", video "
                + String.join("/", new java.util.TreeSet<>(VIDEO)) + ", photo " + String.join("/", new java.util.TreeSet<>(PHOTO));
    }
}
