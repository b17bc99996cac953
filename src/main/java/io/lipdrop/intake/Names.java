package io.lipdrop.intake;

/**
 * File names are data: a name may hold a newline, an ANSI escape or a right-to-left override, and shown as it is
 * it would start a forged log line, recolour a terminal or reverse what follows. {@link #printable(String)} is how
 * LipDrop shows any name it did not choose, in the log (the log layout applies it to every message), the
 * quarantine notes and anywhere else a person reads text.
 */
public final class Names {
    private Names() {}

    /**
     * The text with every control character escaped: {@code \n}, {@code \r}, {@code \t} by name, the others as
     * {@code \}{@code u001b}: C0 and C1 controls, DEL, the Unicode line and paragraph separators and the
     * bidirectional overrides and isolates. Everything else, any script included, is left as it is.
     */
    public static String printable(String s) {
        if (s == null) return null;
        int i = 0;
        while (i < s.length() && !escaped(s.charAt(i))) i++;
        if (i == s.length()) return s; // the usual case: nothing to copy
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!escaped(c)) b.append(c);
            else if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }

    /** {@link #printable(String)} of a path's text. */
    public static String printable(java.nio.file.Path p) { return p == null ? null : printable(p.toString()); }

    /**
     * A relative path made of plain parts, as a key or prefix that becomes a path must be: not empty, no backslash, and
     * no empty, "." or ".." part (so no leading or trailing slash either). Control characters are the caller's to judge.
     */
    public static boolean isPlainRelativePath(String s) {
        if (s.isEmpty() || s.indexOf('\\') >= 0) return false;
        for (String part : s.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) return false;
        }
        return true;
    }

    static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
