package io.lipdrop.models;

import io.lipdrop.lipsync.ModelRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where a model comes from: a local file, or an http(s) URL (which must come with the SHA-256 it should have). */
public sealed interface ModelSource permits ModelSource.LocalFile, ModelSource.Download {

    /** "path/to/model.onnx" or "https://host/path/model.onnx"; any other scheme is refused. */
    static ModelSource parse(String arg) {
        if (Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://").matcher(arg).find()) {
            URI uri;
            try {
                uri = new URI(arg);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a valid URL: " + e.getMessage());
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("cannot download from a " + scheme + ":// URL: only http:// and https:// are supported"
                        + " (fetch the file some other way and give its path)");
            }
            if (uri.getHost() == null) throw new IllegalArgumentException("the URL " + arg + " has no host");
            return new Download(uri);
        }
        return new LocalFile(Path.of(arg));
    }

    /** The file name the source suggests (the file's name, the URL path's last segment), or null. */
    String suggestedName();

    /** For messages; a URL without user info and query, which may hold credentials or signed tokens. */
    String describe();

    /** Writes the model to {@code target} (existing, empty) and returns the SHA-256 of what was written. */
    String copyTo(Path target, PrintStream progress) throws IOException, ModelRefusedException;

    record LocalFile(Path file) implements ModelSource {
        @Override public String suggestedName() {
            return file.getFileName() == null ? null : file.getFileName().toString();
        }

        @Override public String describe() { return file.toString(); }

        @Override public String copyTo(Path target, PrintStream progress) throws IOException, ModelRefusedException {
            if (Files.isDirectory(file)) throw new ModelRefusedException(file + " is a folder, not a model file");
            try (InputStream in = Files.newInputStream(file)) {
                return HashingCopy.copy(in, target, done -> {});
            } catch (NoSuchFileException e) {
                throw new ModelRefusedException("no such file: " + file.toAbsolutePath());
            }
        }
    }

    record Download(URI uri) implements ModelSource {
        public boolean plainHttp() { return uri.getScheme().equalsIgnoreCase("http"); }

        @Override public String suggestedName() {
            String path = uri.getPath();
            if (path == null || path.isEmpty() || path.endsWith("/")) return null;
            return path.substring(path.lastIndexOf('/') + 1);
        }

        @Override public String describe() {
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?...");
        }

        @Override public String copyTo(Path target, PrintStream progress) throws IOException, ModelRefusedException {
            return new HttpDownload(uri, describe(), progress).to(target);
        }
    }
}
