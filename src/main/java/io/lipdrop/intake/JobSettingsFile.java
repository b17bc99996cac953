package io.lipdrop.intake;

import io.lipdrop.job.JobSettings;
import io.lipdrop.lipsync.JobOptions;
import io.lipdrop.lipsync.asr.LanguageModels;
import io.lipdrop.lipsync.face.FaceChoice;
import io.lipdrop.lipsync.face.Padding;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks a drop's settings file with snakeyaml-engine (already on the classpath for Camel's YAML routes).
 * Anything unknown or out of range is refused with a {@link Problem} that names the file, the key and what is
 * allowed: a typo must not silently make a video with the node's settings.
 */
public final class JobSettingsFile {
    /** A batch folder's settings file. */
    public static final String BATCH_FILE = "lipdrop.yaml";
    /** A single job's settings file ends so: {@code anna.lipdrop.yaml} beside {@code anna.wav} + {@code anna.mp4}. */
    public static final String SINGLE_SUFFIX = ".lipdrop.yaml";
    static final int MAX_BYTES = 64 * 1024;

    /** The keys, in the order the README lists them. */
    static final List<String> KEYS = List.of("model", "pads", "face-detector", "face", "video-bitrate", "output", "s3-prefix", "notify-url", "captions", "language");
    private static final List<String> DETECTORS = List.of("auto", "mesh", "haar", "lbp");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final List<String> PLACEHOLDERS = List.of("name", "batch", "audio", "date");
    private static final Pattern BITRATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmM]?)(?:bit/s|bps)?");

    /** A settings file LipDrop cannot take: {@code message} names the file and the key, {@code advice} what to do. */
    public static final class Problem extends Exception {
        private final String advice;

        Problem(String message, String advice) {
            super(message);
            this.advice = advice;
        }

        public String advice() { return advice; }
    }

    private final Path modelsDir;
    private final Predicate<URI> notifyAllowed;
    private final List<String> reservedPrefixes;

    /** A reader that refuses every notify-url (no callback target is allowed). */
    public JobSettingsFile(Path modelsDir) { this(modelsDir, url -> false); }

    /**
     * @param modelsDir     where the models a settings file may name are installed (null: none may be named)
     * @param notifyAllowed whether a notify-url's host may be posted to (lipdrop.notify.allow): anyone who can drop
     *                      a file writes this URL, so an internal address must not be reachable through it
     */
    public JobSettingsFile(Path modelsDir, Predicate<URI> notifyAllowed) {
        this(modelsDir, notifyAllowed, List.of());
    }

    /**
     * @param reservedPrefixes key prefixes a drop's s3-prefix may not reach into: in bucket mode the bucket's inbox and
     *                         archive, where results would come back as drops or mix with the inputs
     */
    public JobSettingsFile(Path modelsDir, Predicate<URI> notifyAllowed, List<String> reservedPrefixes) {
        this.reservedPrefixes = List.copyOf(reservedPrefixes);
        this.modelsDir = modelsDir;
        this.notifyAllowed = notifyAllowed;
    }

    public static boolean isSettingsFile(Path p) {
        String n = p.getFileName().toString();
        return n.equals(BATCH_FILE) || n.endsWith(SINGLE_SUFFIX);
    }

    /**
     * @param file  the settings file
     * @param shown its name as the user sees it ({@code promo/lipdrop.yaml}), for messages
     */
    public JobSettings read(Path file, String shown) throws Problem {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new Problem(shown + " is larger than 64 KB", "A settings file holds a few lines: " + example());
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Problem(shown + " cannot be read (" + e.getMessage() + ")", "Copy the file again as UTF-8 text.");
        }
        Object doc;
        try {
            LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).setMaxAliasesForCollections(5)
                    .setCodePointLimit(MAX_BYTES).setLabel(shown).build();
            doc = new Load(settings).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new Problem(shown + " is not valid YAML: " + Names.printable(firstLine(e.getMessage())),
                    "Write one `key: value` per line and quote a value that starts with { or [, e.g. " + example());
        }
        if (doc == null) return new JobSettings(file, JobOptions.DEFAULT, null, null, null, true, Map.of());
        if (!(doc instanceof Map<?, ?> map)) {
            throw new Problem(shown + " must hold `key: value` lines, not a " + kind(doc), "For example: " + example());
        }
        return parse(map, file, shown);
    }

    private JobSettings parse(Map<?, ?> map, Path file, String shown) throws Problem {
        String model = null, detector = null, output = null, prefix = null, url = null, language = null;
        Padding pads = null;
        FaceChoice face = FaceChoice.LARGEST;
        Integer bitrate = null;
        boolean captions = true, burn = false;
        Map<String, Object> given = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (!KEYS.contains(key)) {
                throw new Problem(shown + ": unknown key '" + Names.printable(key) + "' (allowed: " + String.join(", ", KEYS) + ")",
                        "Fix or remove the key; the README's \"Per-job settings\" lists what each key takes.");
            }
            if (v == null) throw bad(shown, key, "(empty)", allowed(key));
            switch (key) {
                case "model" -> model = model(shown, text(shown, key, v));
                case "pads" -> pads = pads(shown, v);
                case "face-detector" -> detector = oneOf(shown, key, text(shown, key, v), DETECTORS);
                case "face" -> {
                    String s = text(shown, key, v);
                    face = FaceChoice.parse(s).orElseThrow(() -> bad(shown, key, s, allowed(key)));
                }
                case "video-bitrate" -> bitrate = bitrate(shown, v);
                case "output" -> output = output(shown, v);
                case "s3-prefix" -> prefix = notReserved(shown, s3Prefix(shown, text(shown, key, v)));
                case "notify-url" -> url = notifyUrl(shown, text(shown, key, v));
                case "captions" -> {
                    burn = burn(v);
                    captions = burn || captions(shown, v);
                }
                case "language" -> language = language(shown, text(shown, key, v));
                default -> throw new IllegalStateException(key);
            }
            given.put(key, switch (key) {
                case "pads" -> pads.top() + "," + pads.bottom() + "," + pads.left() + "," + pads.right();
                case "video-bitrate" -> bitrate;
                case "face" -> face.label();
                case "notify-url" -> shownUrl(url);
                case "captions" -> burn ? "burn" : captions ? "on" : "off";
                case "language" -> language;
                default -> String.valueOf(v);
            });
        }
        return new JobSettings(file, new JobOptions("auto".equals(model) ? null : model, pads, detector, face, bitrate, burn, language),
                output, prefix, url, captions, given);
    }

    private String model(String shown, String v) throws Problem {
        if (v.equals("auto") || v.equals(JobOptions.OWN_METHOD)) return v;
        if (!v.endsWith(".onnx") || v.contains("/") || v.contains("\\") || v.startsWith(".") || hasControl(v)) {
            throw bad(shown, "model", v, allowed("model"));
        }
        if (modelsDir == null || !Files.isRegularFile(modelsDir.resolve(v))) {
            throw new Problem(shown + ": model '" + Names.printable(v) + "' is not installed (installed: " + installed() + ")",
                    "Install it with `bin/lipdrop model add`, or name an installed one (" + allowed("model") + ").");
        }
        return v;
    }

    private String installed() {
        if (modelsDir == null || !Files.isDirectory(modelsDir)) return "none";
        try (var s = Files.list(modelsDir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList();
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (IOException e) {
            return "none";
        }
    }

    private static Padding pads(String shown, Object v) throws Problem {
        List<String> parts = new ArrayList<>();
        if (v instanceof List<?> list) list.forEach(x -> parts.add(String.valueOf(x).trim()));
        else for (String p : String.valueOf(v).split(",")) parts.add(p.trim());
        if (parts.size() != 4) throw bad(shown, "pads", String.valueOf(v), allowed("pads"));
        int[] n = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                n[i] = Integer.parseInt(parts.get(i));
            } catch (NumberFormatException e) {
                throw bad(shown, "pads", String.valueOf(v), allowed("pads"));
            }
            if (n[i] < 0 || n[i] > 500) throw bad(shown, "pads", String.valueOf(v), allowed("pads"));
        }
        return new Padding(n[0], n[1], n[2], n[3]);
    }

    private static Integer bitrate(String shown, Object v) throws Problem {
        Matcher m = BITRATE.matcher(String.valueOf(v).trim());
        if (v instanceof Boolean || !m.matches()) throw bad(shown, "video-bitrate", String.valueOf(v), allowed("video-bitrate"));
        double n = Double.parseDouble(m.group(1)) * switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1e3;
            case "m" -> 1e6;
            default -> 1;
        };
        if (n != 0 && (n < 100_000 || n > 50_000_000)) throw bad(shown, "video-bitrate", String.valueOf(v), allowed("video-bitrate"));
        return (int) Math.round(n);
    }

    private static String output(String shown, Object v) throws Problem {
        if (v instanceof Map<?, ?>) {
            throw new Problem(shown + ": output: a pattern that starts with { must be quoted (allowed: " + allowed("output") + ")",
                    "Write it in quotes: output: \"{name}-final\"");
        }
        String p = String.valueOf(v).trim();
        if (p.toLowerCase(Locale.ROOT).endsWith(".mp4")) p = p.substring(0, p.length() - 4);
        Matcher m = PLACEHOLDER.matcher(p);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) throw bad(shown, "output", p, allowed("output"));
        }
        String literal = PLACEHOLDER.matcher(p).replaceAll("");
        if (p.isEmpty() || p.length() > 150 || literal.contains("/") || literal.contains("\\") || literal.contains("{")
                || literal.contains("}") || p.contains("..") || p.startsWith(".") || hasControl(p)) {
            throw bad(shown, "output", p, allowed("output"));
        }
        return p;
    }

    /** burn: the captions are also drawn into the picture (and so part of the job key); implies on. */
    private static boolean burn(Object v) {
        return !(v instanceof Boolean) && String.valueOf(v).trim().equalsIgnoreCase("burn");
    }

    /**
     * The language spoken, which picks the speech model. Checked as a code only: a language without an installed model
     * still makes its video (without captions; the report says how to add the model), so the drop is not refused.
     */
    private static String language(String shown, String v) throws Problem {
        String code = v.trim().toLowerCase(Locale.ROOT); // BCP 47 ignores case; the models' folders are lowercase
        if (!LanguageModels.isCode(code)) throw bad(shown, "language", v, allowed("language"));
        return code;
    }

    /** on or off; YAML 1.2 reads both as text, and true/false (a YAML boolean) are taken too. */
    private static boolean captions(String shown, Object v) throws Problem {
        if (v instanceof Boolean b) return b;
        return switch (String.valueOf(v).trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw bad(shown, "captions", String.valueOf(v), allowed("captions"));
        };
    }

    private String notReserved(String shown, String prefix) throws Problem {
        for (String r : reservedPrefixes) {
            if (prefix.equals(r) || prefix.startsWith(r + "/")) {
                throw new Problem(shown + ": s3-prefix: '" + Names.printable(prefix) + "' is inside the bucket's " + r
                        + "/, where LipDrop takes drops from or keeps their inputs: results put there would come back as drops or "
                        + "mix with the inputs", "Choose a prefix outside " + String.join("/ and ", reservedPrefixes)
                        + "/, such as clients/acme, and drop the job again.");
            }
        }
        return prefix;
    }

    private static String s3Prefix(String shown, String v) throws Problem {
        String p = v.trim();
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.length() > 512 || !Names.isPlainRelativePath(p) || hasControl(p)) throw bad(shown, "s3-prefix", v, allowed("s3-prefix"));
        return p;
    }

    private String notifyUrl(String shown, String v) throws Problem {
        URI u = null;
        try {
            u = new URI(v.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || v.length() > 2048 || hasControl(v)) u = null;
        } catch (URISyntaxException e) {
            // refused below
        }
        if (u == null) throw bad(shown, "notify-url", v, allowed("notify-url"));
        if (!notifyAllowed.test(u)) {
            throw new Problem(shown + ": notify-url: '" + shownUrl(u.toString()) + "' is not allowed: its host " + u.getHost()
                    + " is not in lipdrop.notify.allow (nor lipdrop.notify.url's host and port)",
                    "Ask the operator to set lipdrop.notify.allow to allow it, or remove notify-url from " + shown
                            + " and drop the files again.");
        }
        return u.toString();
    }

    /** The callback URL as reports show it: a user name, password or query (often a token) is left out. */
    static String shownUrl(String url) {
        URI u = URI.create(url);
        String port = u.getPort() < 0 ? "" : ":" + u.getPort();
        return u.getScheme() + "://" + u.getHost() + port + (u.getRawPath() == null ? "" : u.getRawPath())
                + (u.getRawQuery() == null && u.getRawUserInfo() == null ? "" : " (credentials and query not shown)");
    }

    private static String oneOf(String shown, String key, String v, List<String> allowed) throws Problem {
        String w = v.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(w)) throw bad(shown, key, v, allowed(key));
        return w;
    }

    private static String text(String shown, String key, Object v) throws Problem {
        if (v instanceof Map<?, ?> || v instanceof List<?>) throw bad(shown, key, String.valueOf(v), allowed(key));
        return String.valueOf(v);
    }

    static String allowed(String key) {
        return switch (key) {
            case "model" -> "auto, " + JobOptions.OWN_METHOD + ", or the file name of a model in models/ such as wav2lip_gan.onnx";
            case "pads" -> "four numbers of pixels from 0 to 500: top, bottom, left, right, such as [0, 10, 0, 0]";
            case "face-detector" -> String.join(", ", DETECTORS);
            case "face" -> FaceChoice.allowed();
            case "video-bitrate" -> "0 (automatic) or 100k to 50M bit/s, such as 2M or 2500000";
            case "output" -> "a file name of up to 150 characters with {name}, {batch}, {audio} or {date}, such as \"{batch}-{name}\"; "
                    + "no / or \\, no .., not starting with a dot";
            case "s3-prefix" -> "a key prefix such as clients/acme/2025 (no leading /, no empty, . or .. parts)";
            case "notify-url" -> "an http:// or https:// URL";
            case "captions" -> "on (the default: .srt and .vtt beside the video where speech was recognised), off, "
                    + "or burn (as on, and the captions drawn into the picture too)";
            case "language" -> LanguageModels.RULE + "; the default is the node's lipdrop.captions.language";
            default -> "";
        };
    }

    private static Problem bad(String shown, String key, String value, String allowed) {
        return new Problem(shown + ": " + key + ": '" + Names.printable(value) + "' is not allowed (allowed: " + allowed + ")",
                "Fix the value of " + key + " in " + shown + " and drop the files again.");
    }

    private static boolean hasControl(String s) {
        return !Names.printable(s).equals(s);
    }

    private static String kind(Object doc) { return doc instanceof List<?> ? "list" : "single value"; }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String example() { return "face: left, pads: [0, 20, 0, 0], output: \"{batch}-{name}\""; }
}
