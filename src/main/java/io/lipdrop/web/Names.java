package io.lipdrop.web;

/**
 * A file name as text to show, never as something that acts: control characters (a newline could forge a
 * line of output) and the direction overrides that reorder what follows are written as escapes, {@code \n}
 * or {@code \u202e}; everything else, non-ASCII letters included, stays as it is.
 */
public final class Names {
    private Names() {}

    public static String shown(String name) {
        if (name == null) return "";
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT
                            && (c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069)) {
                        b.append(c <= 0xFF ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }
}
