package io.lipdrop.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a path or name from a request into a file inside one of LipDrop's folders, or refuses it: nothing a
 * request says can reach outside that folder, whether by {@code ../}, its percent-encoded forms, an absolute
 * path, a backslash, a NUL byte or a symbolic link that points elsewhere.
 */
public final class SafePaths {
    private SafePaths() {}

    /** A request that names something it may not: answered 400 (or 404) with this message. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) { super(message); }
    }

    /**
     * The existing regular file {@code relative} (percent-encoded, '/'-separated) names inside {@code root}, its
     * real location inside root's real location; empty when there is no such file.
     */
    public static Optional<Path> existingFile(Path root, String encodedRelative) {
        return existing(root, decode(encodedRelative));
    }

    /** The same for an already decoded {@code relative}: checked by {@link #resolve}, then by its real location. */
    public static Optional<Path> existing(Path root, String relative) {
        Path p = resolve(root, relative);
        if (!Files.isRegularFile(p)) return Optional.empty();
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(root.toRealPath())) throw new Refused("the path leads outside " + root.getFileName() + "/");
            return Optional.of(real);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code relative} (already decoded) inside root, checked segment by segment; not required to exist. */
    public static Path resolve(Path root, String relative) {
        if (relative.isEmpty()) throw new Refused("no path given");
        if (relative.startsWith("/") || relative.matches("^[A-Za-z]:.*")) throw new Refused("absolute paths are not accepted");
        if (relative.indexOf('\\') >= 0) throw new Refused("backslashes are not accepted in paths");
        for (String segment : relative.split("/", -1)) checkName(segment);
        Path base = root.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base) || p.equals(base)) throw new Refused("the path leads outside " + base.getFileName() + "/");
        return p;
    }

    /** One file or folder name: not empty, not . or .., no separator, no NUL, not hidden (the inbox ignores those). */
    public static String checkName(String name) {
        if (name.isEmpty()) throw new Refused("empty names are not accepted");
        if (name.indexOf('\0') >= 0) throw new Refused("NUL bytes are not accepted in names");
        if (name.equals(".") || name.equals("..")) throw new Refused("'" + name + "' is not accepted as a name");
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) throw new Refused("names may not contain / or \\");
        if (name.startsWith(".")) throw new Refused("names starting with a dot are hidden files, which LipDrop ignores");
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) throw new Refused("the name is longer than 255 bytes");
        return name;
    }

    /** Strict percent-decoding of a URL path part as UTF-8 ('+' stays '+'); malformed input is refused. */
    public static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) throw new Refused("malformed percent-encoding in the path");
                int hi = Character.digit(encoded.charAt(i + 1), 16), lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new Refused("malformed percent-encoding in the path");
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < encoded.length()) {
                    b = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("the path is not valid UTF-8");
        }
    }
}
