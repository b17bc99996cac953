package io.lipdrop.lipsync.asr;

import io.lipdrop.lipsync.asr.MavenRepository.Coordinates;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Vosk's small English model, {@code com.alphacephei:vosk-model-en:0.3.45} (Apache-2.0), fetched by coordinates from
 * the Maven repository this machine's Maven uses ({@link MavenRepository}), checked against the SHA-256 pinned here,
 * and unpacked ({@code assets/model-en-us/} of the {@code .aar}) into {@code models/asr/en}. The unpacked folder is
 * checked at every start against a pinned hash over its files ({@link #TREE_SHA256}: about 0.3 s for its 71 MB), so a
 * damaged or partial folder is never used. It appears by one rename of a complete, verified folder. Once it is
 * there nothing is fetched: LipDrop works offline. Never throws for a missing network or model: the result says why.
 */
public final class SpeechModelStore {
    public static final Coordinates MODEL = new Coordinates("com.alphacephei", "vosk-model-en", "0.3.45", "aar");
    public static final String LICENCE = "Apache-2.0";
    /** SHA-256 of vosk-model-en-0.3.45.aar as Maven Central serves it (41,185,783 bytes; its .sha1 is 680d9416...). */
    public static final String AAR_SHA256 = "8a5792fccaf873b4745dbd1b3fe19d8a77a15898e806674020eea820424771cd";
    /** SHA-256 over "sha256  path\n" of every unpacked file, sorted by path: 15 files, 70,923,577 bytes. */
    public static final String TREE_SHA256 = "21bcc6353cc6b1352ffeb7ccc7f540c8dbd12dfc89160c6834fc777d1f2f6aee";
    static final String ENTRY_PREFIX = "assets/model-en-us/";
    /** Under the models folder: asr/en. */
    public static final String FOLDER = "asr";
    public static final String LANGUAGE = "en";

    private final List<Path> searchDirs;
    private final MavenRepository repository;
    private volatile Consumer<String> progress = m -> {};

    /** @param searchDirs language folders ({@code models/asr/en}) looked in in order; the first is fetched into */
    public SpeechModelStore(MavenRepository repository, Path... searchDirs) {
        if (searchDirs.length == 0) throw new IllegalArgumentException("SpeechModelStore needs at least one folder");
        List<Path> dirs = new ArrayList<>();
        for (Path d : searchDirs) {
            Path abs = d.toAbsolutePath().normalize();
            if (!dirs.contains(abs)) dirs.add(abs);
        }
        this.searchDirs = List.copyOf(dirs);
        this.repository = repository;
    }

    /** $LIPDROP_HOME/models/asr/en (fetched into), then the installation's models/asr/en (-Dlipdrop.app, the build fills it). */
    public static SpeechModelStore from(Path modelsFolder, String repositoryOverride) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(modelsFolder.resolve(FOLDER).resolve(LANGUAGE));
        String app = System.getProperty("lipdrop.app");
        if (app != null && !app.isBlank()) dirs.add(Path.of(app).resolve("models").resolve(FOLDER).resolve(LANGUAGE));
        return new SpeechModelStore(MavenRepository.of(repositoryOverride), dirs.toArray(Path[]::new));
    }

    public SpeechModelStore onProgress(Consumer<String> listener) {
        this.progress = listener == null ? m -> {} : listener;
        return this;
    }

    public Path fetchDir() {
        return searchDirs.get(0);
    }

    /** The verified model; with {@code mayFetch} a missing or damaged one is fetched first. */
    public SpeechModel ensure(boolean mayFetch) {
        List<String> rejected = new ArrayList<>();
        for (Path dir : searchDirs) {
            if (!Files.isDirectory(dir)) continue;
            String tree = treeSha256(dir);
            if (TREE_SHA256.equals(tree)) return SpeechModel.at(dir);
            rejected.add(dir + " is not the pinned model (files hash to " + tree + "): not used");
            progress.accept(rejected.get(rejected.size() - 1));
        }
        String copy = "or unpack assets/model-en-us/ of " + MODEL + " into " + fetchDir();
        String where = searchDirs.stream().map(Path::toString).collect(Collectors.joining(" or "));
        String why = rejected.isEmpty() ? "" : " (" + String.join("; ", rejected) + ")";
        if (!mayFetch) return SpeechModel.missing("the model is not in " + where + why, "start `bin/lipdrop run` where it reaches "
                + repository.remote() + " (it fetches it then), " + copy);
        try {
            fetch();
        } catch (Unreachable e) {
            return SpeechModel.missing(e.getMessage() + why, "check that this machine reaches " + repository.remote()
                    + " (or set lipdrop.maven.repository to a Maven repository that has " + MODEL + ") and start again, " + copy);
        } catch (IOException | UncheckedIOException e) {
            return SpeechModel.missing("fetching " + MODEL + " into " + fetchDir() + " failed: " + e.getMessage() + why,
                    "make " + fetchDir().getParent() + " writable with room for 110 MB and start again, " + copy);
        }
        String tree = treeSha256(fetchDir());
        if (TREE_SHA256.equals(tree)) return SpeechModel.at(fetchDir());
        return SpeechModel.missing(fetchDir() + " was unpacked but does not verify (" + tree + ")", "delete " + fetchDir()
                + " and start again, " + copy);
    }

    /** The remote repository could not give the artifact (offline, HTTP error, not the pinned file). */
    static final class Unreachable extends Exception {
        Unreachable(String message) { super(message); }
    }

    private void fetch() throws IOException, Unreachable {
        Path target = fetchDir();
        Files.createDirectories(target.getParent());
        Path part = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".part-");
        try {
            Path aar = part.resolve("model.aar");
            Path local = repository.localFile(MODEL);
            if (Files.isRegularFile(local) && AAR_SHA256.equals(sha256(local))) {
                progress.accept("speech model " + MODEL + " found in the local Maven repository " + local);
                aar = local;
            } else {
                download(repository.remoteUri(MODEL), aar);
            }
            Path unpacked = part.resolve(LANGUAGE);
            unpack(aar, unpacked);
            String tree = treeSha256(unpacked);
            if (!TREE_SHA256.equals(tree)) throw new IOException("the unpacked model hashes to " + tree + ", not the pinned " + TREE_SHA256);
            if (Files.exists(target)) deleteTree(target); // one that did not verify
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            progress.accept("speech model " + MODEL + " (" + LICENCE + ") unpacked into " + target + ", verified");
        } finally {
            deleteTree(part);
        }
    }

    private void download(URI uri, Path to) throws IOException, Unreachable {
        progress.accept("fetching the speech model " + MODEL + " (39 MB) from " + uri);
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("User-Agent", "lipdrop").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while fetching " + uri);
        } catch (IOException e) {
            throw new Unreachable("cannot fetch " + uri + " (" + e + ")");
        }
        MessageDigest sha = sha();
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) throw new Unreachable(uri + " answered HTTP " + response.statusCode());
            try (InputStream in = new DigestInputStream(body, sha); OutputStream out = Files.newOutputStream(to)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            throw new Unreachable("the download of " + uri + " broke off (" + e + ")");
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (!AAR_SHA256.equals(got)) throw new Unreachable(uri + " gave a file with SHA-256 " + got + ", not the pinned " + AAR_SHA256);
    }

    /** Writes the entries under assets/model-en-us/ into {@code dir}; no entry may leave it. */
    private static void unpack(Path aar, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(aar))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory() || !e.getName().startsWith(ENTRY_PREFIX)) continue;
                Path out = dir.resolve(e.getName().substring(ENTRY_PREFIX.length())).normalize();
                if (!out.startsWith(dir)) throw new IOException("the archive's entry " + e.getName() + " leads outside the model folder");
                Files.createDirectories(out.getParent());
                Files.copy(zip, out);
            }
        }
    }

    /** SHA-256 over "sha256  path\n" of every regular file under {@code dir}, sorted by path; "absent" when unreadable. */
    static String treeSha256(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> sorted = files.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> rel(dir, p))).toList();
            StringBuilder manifest = new StringBuilder();
            for (Path f : sorted) manifest.append(sha256(f)).append("  ").append(rel(dir, f)).append('\n');
            return HexFormat.of().formatHex(sha().digest(manifest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException | UncheckedIOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static String rel(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }

    static String sha256(Path f) throws IOException {
        MessageDigest d = sha();
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** For the build: fetches the model into the folder given (the installation's models/asr/en); never fails the build. */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "models/" + FOLDER + "/" + LANGUAGE);
        try {
            SpeechModel m = new SpeechModelStore(MavenRepository.of(System.getProperty(MavenRepository.PROPERTY)), dir)
                    .onProgress(line -> System.out.println("[INFO] LipDrop: " + line)).ensure(true);
            if (!m.available()) System.out.println("[WARNING] LipDrop: " + m.warning());
        } catch (Throwable t) {
            System.out.println("[WARNING] LipDrop: speech model not fetched into " + dir + " (" + t + ")");
        }
    }
}
