package io.lipdrop.job;

import io.lipdrop.lipsync.JobOptions;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A drop's own settings from its {@code lipdrop.yaml} (a batch) or {@code <name>.lipdrop.yaml} (a single job),
 * checked when the drop was planned ({@code io.lipdrop.intake.JobSettingsFile}). Immutable. {@link #picture()} goes to the engine and
 * into the job key; the output name, the S3 prefix and the callback URL do not change the picture, so they are not
 * part of the key.
 */
public final class JobSettings {
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{(name|batch|audio|date)}");
    public static final JobSettings NONE = new JobSettings(null, JobOptions.DEFAULT, null, null, null, true, Map.of());

    private final Path source;
    private final JobOptions picture;
    private final String outputPattern;
    private final String s3Prefix;
    private final String notifyUrl;
    private final boolean captions;
    private final Map<String, Object> given;

    public JobSettings(Path source, JobOptions picture, String outputPattern, String s3Prefix, String notifyUrl, boolean captions,
                Map<String, Object> given) {
        this.source = source;
        this.picture = picture;
        this.outputPattern = outputPattern;
        this.s3Prefix = s3Prefix;
        this.notifyUrl = notifyUrl;
        this.captions = captions;
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
    }

    /** The settings file, when the drop has one. */
    public Optional<Path> source() { return Optional.ofNullable(source); }

    /** What changes the picture: model, pads, face detector, face choice, bit rate, burned captions, language (part of the job key). */
    public JobOptions picture() { return picture; }

    /** The output name pattern ({@code {name}}, {@code {batch}}, {@code {audio}}, {@code {date}}), when set. */
    public Optional<String> outputPattern() { return Optional.ofNullable(outputPattern); }

    /** The S3 key prefix for this job's video and report, in place of {@code lipdrop.s3.prefix}, when set. */
    public Optional<String> s3Prefix() { return Optional.ofNullable(s3Prefix); }

    /** The URL to POST this job's events to, in place of {@code lipdrop.notify.url}, when set. */
    public Optional<String> notifyUrl() { return Optional.ofNullable(notifyUrl); }

    /**
     * False when the drop said {@code captions: off}: no .srt/.vtt beside its video (not part of the key: the picture is
     * the same). True for {@code captions: burn}, which writes the files too.
     */
    public boolean captions() { return captions; }

    /**
     * True when the drop said {@code captions: burn}: the captions are also drawn into the video's picture
     * ({@link io.lipdrop.lipsync.captions.CaptionBurner}); carried in {@link #picture()}, so it changes the job key.
     */
    public boolean captionsBurned() { return picture.burnCaptions(); }

    /** The language the drop's settings name ({@code language: de}); empty: the node's {@code lipdrop.captions.language}. */
    public Optional<String> language() { return Optional.ofNullable(picture.language()); }

    /** The settings as the file gave them (key to checked value), for the report; empty without a file. */
    public Map<String, Object> asGiven() { return given; }

    public boolean isEmpty() { return given.isEmpty(); }

    /**
     * The output file name (without {@code .mp4}) for a template named {@code name}: the pattern's placeholders
     * filled in, or {@code name} itself. The pattern was checked to stay one file name; the values are file names.
     */
    public String outputName(String name, String batch, String audio, LocalDate date) {
        if (outputPattern == null) return name;
        Map<String, String> values = Map.of("name", name, "batch", batch, "audio", audio, "date", date.toString());
        // one pass: a value that itself looks like a placeholder ("{date}.mp4") stays as it is
        return PLACEHOLDER.matcher(outputPattern).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(values.get(m.group(1))));
    }

    @Override
    public String toString() { return given.toString(); }
}
