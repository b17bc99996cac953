package io.lipdrop.lipsync.asr;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the words out of Vosk's result JSON ({@code {"result": [{"conf": 1.0, "end": 0.51, "start": 0.03, "word": "welcome"},
 * ...], "text": "..."}}). Its objects are flat and its keys fixed, so a few patterns do (this package stays free of Camel
 * and of a JSON library).
 */
final class VoskResult {
    private static final Pattern OBJECT = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern FIELD = Pattern.compile("\"(conf|end|start|word)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-+0-9.eE]+)");

    private VoskResult() {}

    static List<Word> words(String json) {
        List<Word> words = new ArrayList<>();
        int result = json.indexOf("\"result\"");
        if (result < 0) return words;
        Matcher o = OBJECT.matcher(json);
        o.region(result, json.length());
        while (o.find()) {
            String text = null;
            double conf = Double.NaN, start = Double.NaN, end = Double.NaN;
            Matcher f = FIELD.matcher(o.group(1));
            while (f.find()) {
                switch (f.group(1)) {
                    case "word" -> text = unescape(f.group(3));
                    case "conf" -> conf = Double.parseDouble(f.group(2));
                    case "start" -> start = Double.parseDouble(f.group(2));
                    case "end" -> end = Double.parseDouble(f.group(2));
                    default -> { }
                }
            }
            if (text != null && !Double.isNaN(start) && !Double.isNaN(end)) words.add(new Word(text, start, end, Double.isNaN(conf) ? 1 : conf));
        }
        return words;
    }

    private static String unescape(String s) {
        if (s == null || s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> b.append(n);
            }
        }
        return b.toString();
    }
}
