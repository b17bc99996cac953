package io.lipdrop.lipsync.asr;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where an artifact is fetched from by coordinates, as this machine's Maven would: the local repository first
 * ({@code ~/.m2/repository}, or {@code localRepository} in {@code ~/.m2/settings.xml}), where the build may already
 * have put it, then the remote one: {@code lipdrop.maven.repository} when set, else the mirror of {@code central}
 * that {@code ~/.m2/settings.xml} names (a {@code <mirror>} whose {@code mirrorOf} covers central), else Maven
 * Central. LipDrop's pom names no other repository, so this is the repository its own build resolves from.
 */
public record MavenRepository(URI remote, Path local) {
    public static final URI CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");
    public static final String PROPERTY = "lipdrop.maven.repository";

    /** groupId:artifactId:version:extension, e.g. com.alphacephei:vosk-model-en:0.3.45:aar. */
    public record Coordinates(String groupId, String artifactId, String version, String extension) {
        /** The repository layout's relative path: com/alphacephei/vosk-model-en/0.3.45/vosk-model-en-0.3.45.aar. */
        public String path() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version + "." + extension;
        }

        @Override
        public String toString() {
            return groupId + ":" + artifactId + ":" + version + ":" + extension;
        }
    }

    /** The repositories this machine's Maven uses; {@code override} (lipdrop.maven.repository) wins when not blank. */
    public static MavenRepository of(String override) {
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Optional<Document> settings = settings(m2.resolve("settings.xml"));
        Path local = settings.flatMap(d -> text(d.getDocumentElement(), "localRepository")).map(Path::of)
                .orElse(m2.resolve("repository"));
        URI remote = override != null && !override.isBlank() ? URI.create(withSlash(override.trim()))
                : settings.flatMap(MavenRepository::centralMirror).map(u -> URI.create(withSlash(u))).orElse(CENTRAL);
        return new MavenRepository(remote, local);
    }

    public URI remoteUri(Coordinates c) {
        return remote.resolve(c.path());
    }

    public Path localFile(Coordinates c) {
        return local.resolve(c.path());
    }

    private static Optional<Document> settings(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return Optional.of(f.newDocumentBuilder().parse(file.toFile()));
        } catch (Exception unreadable) {
            return Optional.empty(); // Maven itself would refuse it; Central is the best guess
        }
    }

    /** The first mirror whose mirrorOf covers central: "central", "*", "external:*", "external:https:*" or a list holding one. */
    static Optional<String> centralMirror(Document d) {
        NodeList mirrors = d.getElementsByTagName("mirror");
        for (int i = 0; i < mirrors.getLength(); i++) {
            Element m = (Element) mirrors.item(i);
            String of = text(m, "mirrorOf").orElse("");
            String[] parts = of.split(",");
            boolean excludesCentral = Arrays.stream(parts).anyMatch(p -> p.trim().equals("!central"));
            boolean covers = Arrays.stream(parts).map(String::trim)
                    .anyMatch(p -> p.equals("central") || p.equals("*") || p.equals("external:*") || p.equals("external:https:*"));
            if (covers && !excludesCentral) {
                Optional<String> url = text(m, "url");
                if (url.isPresent()) return url;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        if (l.getLength() == 0) return Optional.empty();
        String s = l.item(0).getTextContent().trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s.replace("${user.home}", System.getProperty("user.home")));
    }

    private static String withSlash(String u) {
        return u.endsWith("/") ? u : u + "/";
    }
}
