package io.lipdrop.lipsync.asr;

import io.lipdrop.files.FileTrees;
import io.lipdrop.lipsync.ModelRefusedException;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Vosk models of languages other than English, which the user installs ({@code bin/lipdrop model add --language de
 * FOLDER|ZIP}) into {@code models/asr/<language>/}: no other language's model is on Maven Central, so LipDrop cannot
 * fetch and pin them as it does English's ({@link SpeechModelStore}). Each is checked like the fetched ones instead:
 * refused unless it has a Vosk model's files, loaded once by Vosk and made to recognise a second of silence, put in
 * place by one rename of a complete folder, and its files' SHA-256 recorded in {@value #MANIFEST} inside it, against
 * which it is verified at every start (a damaged or changed folder is not used).
 */
public final class LanguageModels {
    /** The manifest in each installed folder: sha256, source, installed. Not part of the hash it records. */
    public static final String MANIFEST = "lipdrop-model.properties";
    /** English's model is fetched (and pinned) by {@link SpeechModelStore}, not installed. */
    public static final String FETCHED = SpeechModelStore.LANGUAGE;
    /** Where to find models; each has its own licence. */
    public static final String WHERE = "https://alphacephei.com/vosk/models";
    /** A language subtag (ISO 639: 2 or 3 letters), optionally a region or script: en, de, zh, pt-br, zh-hans. */
    private static final Pattern CODE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}");
    public static final String RULE = "a short lowercase language code: 2 or 3 letters (ISO 639, such as en, de, fr, zh), "
            + "optionally with a region or script after a hyphen (such as pt-br or zh-hans)";
    /** The largest published Vosk models unpack to a few GB; a zip that unpacks to more is not one (or is a zip bomb). */
    static final long MAX_BYTES = 16L << 30;

    private final Path asr;

    /** @param modelsFolder $LIPDROP_HOME/models: languages go into its {@code asr/<language>} */
    public LanguageModels(Path modelsFolder) {
        this.asr = modelsFolder.resolve("asr").toAbsolutePath().normalize();
    }

    public static boolean isCode(String s) {
        return s != null && CODE.matcher(s).matches();
    }

    /** The command that installs a language's model, for messages. */
    public static String howToAdd(String language) {
        return "bin/lipdrop model add --language " + language + " <vosk-model folder or zip>";
    }

    public Path folder(String language) {
        return asr.resolve(language);
    }

    /**
     * An installed model as its folder and manifest say.
     *
     * @param problem null when its files match its manifest; otherwise why it is not used
     */
    public record Installed(String language, Path dir, long bytes, String sha256, String source, String installed, String problem) {
        public boolean verified() {
            return problem == null;
        }
    }

    /** Each installed language (English's fetched folder left out), checked against its manifest, by language. */
    public List<Installed> installed() {
        if (!Files.isDirectory(asr)) return List.of();
        try (Stream<Path> dirs = Files.list(asr)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> isCode(n) && !n.equals(FETCHED)).sorted().map(this::check).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Folders an interrupted {@code model add} or {@code model remove} left in models/asr (never used). */
    public List<Path> leftovers() {
        if (!Files.isDirectory(asr)) return List.of();
        try (Stream<Path> dirs = Files.list(asr)) {
            return dirs.filter(p -> p.getFileName().toString().matches("\\..+\\.(part|removed)-.*")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The language's folder verified against its manifest (about 0.3 s per 70 MB). */
    public Installed check(String language) {
        Path dir = folder(language);
        if (!Files.isDirectory(dir)) return new Installed(language, dir, 0, null, null, null, "not installed in " + dir);
        Path manifest = dir.resolve(MANIFEST);
        long bytes = size(dir);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return new Installed(language, dir, bytes, null, null, null, dir + " has no readable " + MANIFEST
                    + " (it was not installed by bin/lipdrop model add)");
        }
        String sha = p.getProperty("sha256", "");
        String tree = SpeechModelStore.treeSha256(dir, Set.of(MANIFEST));
        String problem = tree.equals(sha) ? null : dir + " does not match its " + MANIFEST + " (its files hash to " + tree
                + ", installed as " + sha + "): damaged or changed since it was installed";
        return new Installed(language, dir, bytes, sha, p.getProperty("source"), p.getProperty("installed"), problem);
    }

    public enum Outcome { INSTALLED, REPLACED, ALREADY_INSTALLED }

    public record Result(Outcome outcome, Installed model) {}

    /**
     * Installs a Vosk model folder, or a zip of one as alphacephei publishes them (a top folder such as
     * {@code vosk-model-small-de-0.15/}), as {@code language}'s. Nothing changes in models/asr unless it is installed.
     *
     * @param force replace a different model already installed for the language
     * @throws ModelRefusedException what is wrong with the model or the request, and what to do
     */
    public Result install(String language, Path source, boolean force, Consumer<String> progress) throws ModelRefusedException, IOException {
        if (!isCode(language)) throw new ModelRefusedException("--language '" + language + "' is not " + RULE);
        if (language.equals(FETCHED)) {
            throw new ModelRefusedException("English's speech model is LipDrop's own (" + ModelArchive.VOSK_EN + ", fetched into "
                    + folder(FETCHED) + " and verified against its pinned hash at every start); it cannot be replaced. "
                    + "--language names another language, such as de");
        }
        boolean zip = Files.isRegularFile(source) && source.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
        if (!zip && !Files.isDirectory(source)) {
            throw new ModelRefusedException(source + " is neither a Vosk model folder nor a .zip of one (get one from " + WHERE + ")");
        }
        Path target = folder(language);
        Files.createDirectories(asr);
        // beside the target, so the complete, verified folder appears there by one rename
        Path part = Files.createTempDirectory(asr, "." + language + ".part-");
        try {
            Path root;
            if (zip) {
                Path unpacked = part.resolve("unpacked");
                progress.accept("unpacking " + source);
                unzip(source, unpacked);
                root = modelRoot(unpacked);
            } else {
                root = part.resolve("copied");
                progress.accept("copying " + modelRoot(source));
                copyTree(modelRoot(source), root);
            }
            List<String> missing = missing(root);
            if (!missing.isEmpty()) {
                throw new ModelRefusedException(source + " is not a Vosk model: it lacks " + String.join(", ", missing)
                        + " (a Vosk model has am/final.mdl, conf/mfcc.conf and graph/HCLG.fst or graph/Gr.fst with graph/HCLr.fst; "
                        + "get one from " + WHERE + ")");
            }
            Files.deleteIfExists(root.resolve(MANIFEST)); // ours, written below
            progress.accept("loading it with Vosk and recognising a second of silence");
            tryOut(root, source);
            String sha = SpeechModelStore.treeSha256(root, Set.of(MANIFEST));
            if (sha.startsWith("unreadable")) throw new IOException("the model's files cannot be read back: " + sha);
            boolean replacing = Files.exists(target);
            if (replacing) {
                Installed there = check(language);
                if (there.verified() && there.sha256().equals(sha)) return new Result(Outcome.ALREADY_INSTALLED, there);
                if (!force) {
                    throw new ModelRefusedException(target + " already holds a model for " + language + (there.verified()
                            ? " (sha256 " + there.sha256() + ")" : " (" + there.problem() + ")")
                            + ": add --force to replace it, or remove it first with bin/lipdrop model remove --language " + language);
                }
            }
            Properties manifest = new Properties();
            manifest.setProperty("language", language);
            manifest.setProperty("sha256", sha);
            manifest.setProperty("source", source.toAbsolutePath().normalize().toString());
            manifest.setProperty("installed", Instant.now().toString());
            try (Writer w = Files.newBufferedWriter(root.resolve(MANIFEST), StandardCharsets.UTF_8)) {
                manifest.store(w, "LipDrop's record of this Vosk model: its files are verified against sha256 at every start");
            }
            // the old one moves aside first: the folder is always either the old model or the new one, whole
            if (replacing) Files.move(target, part.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
            Installed done = check(language);
            if (!done.verified()) throw new IOException(done.problem());
            return new Result(replacing ? Outcome.REPLACED : Outcome.INSTALLED, done);
        } finally {
            FileTrees.delete(part);
        }
    }

    /**
     * Removes a language's model (English's too: LipDrop fetches that again at its next start). It is moved aside by
     * one rename first, so a removal cut short never leaves a partial folder under the language's name.
     *
     * @return false when none was installed
     */
    public boolean remove(String language) throws IOException {
        Path dir = folder(language);
        if (!Files.exists(dir)) return false;
        Path aside = Files.createTempDirectory(asr, "." + language + ".removed-");
        Files.move(dir, aside.resolve("model"), StandardCopyOption.ATOMIC_MOVE);
        FileTrees.delete(aside);
        return true;
    }

    /** The folder holding the model: the unpacked or given folder, or its one top folder (as in alphacephei's zips). */
    private static Path modelRoot(Path dir) throws IOException {
        if (Files.exists(dir.resolve("am")) || Files.exists(dir.resolve("conf")) || Files.exists(dir.resolve("graph"))) return dir;
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            // a zip made on a Mac carries __MACOSX/ and .DS_Store beside the folder
            entries = s.filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().equals("__MACOSX")).toList();
        }
        return entries.size() == 1 && Files.isDirectory(entries.get(0)) ? entries.get(0) : dir;
    }

    private static List<String> missing(Path root) {
        List<String> missing = new ArrayList<>();
        for (String f : List.of("am/final.mdl", "conf/mfcc.conf")) if (!Files.isRegularFile(root.resolve(f))) missing.add(f);
        boolean hclg = Files.isRegularFile(root.resolve("graph/HCLG.fst"));
        boolean lookahead = Files.isRegularFile(root.resolve("graph/Gr.fst")) && Files.isRegularFile(root.resolve("graph/HCLr.fst"));
        if (!hclg && !lookahead) missing.add("graph/HCLG.fst (or graph/Gr.fst and graph/HCLr.fst)");
        return missing;
    }

    /** Loads the model once and recognises a second of silence: a model Vosk cannot run is refused now, not at a job. */
    private static void tryOut(Path dir, Path source) throws ModelRefusedException {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        try (Model m = new Model(dir.toString()); Recognizer r = new Recognizer(m, 16_000f)) {
            r.acceptWaveForm(new short[16_000], 16_000);
            String result = r.getFinalResult();
            if (result == null || !result.contains("\"text\"")) {
                throw new ModelRefusedException("Vosk loaded " + source + " but its recogniser gave no result on a second of silence ("
                        + result + "): not installed");
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelRefusedException("Vosk cannot load " + source + " as a model (" + e.getMessage() + "): not installed. "
                    + "Check that it is a complete Vosk model for this Vosk version (" + WHERE + ")");
        }
    }

    /** Unpacks every entry of {@code zip} into {@code dir}; an entry that would land outside it refuses the whole zip. */
    private static void unzip(Path zip, Path dir) throws IOException, ModelRefusedException {
        Files.createDirectories(dir);
        long total = 0;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            // every name first: nothing at all is written from a zip that tries to escape
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) escapes(e.nextElement().getName(), dir, zip);
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                Path out = escapes(entry.getName(), dir, zip);
                if (entry.isDirectory() || out.equals(dir)) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = z.getInputStream(entry); OutputStream o = Files.newOutputStream(out)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                        if (total > MAX_BYTES) throw new ModelRefusedException(zip + " unpacks to more than 16 GB: not a Vosk model");
                        o.write(buf, 0, n);
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new ModelRefusedException(zip + " is not a readable zip (" + e.getMessage() + ")");
        }
    }

    private static Path escapes(String name, Path dir, Path zip) throws ModelRefusedException {
        Path out = dir.resolve(name.replace('\\', '/')).normalize();
        if (name.startsWith("/") || name.startsWith("\\") || name.contains(":") || !out.startsWith(dir)) {
            throw new ModelRefusedException("the zip " + zip + " has an entry '" + name + "' that leads outside the model folder: "
                    + "refused, nothing was unpacked");
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException, ModelRefusedException {
        long total = 0;
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p)) {
                    throw new ModelRefusedException(p + " is a symbolic link: copy the model's files into a plain folder and add that");
                }
                Path out = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(out);
                } else if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                    if (total > MAX_BYTES) throw new ModelRefusedException(from + " holds more than 16 GB: not a Vosk model");
                    Files.copy(p, out);
                }
            }
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
