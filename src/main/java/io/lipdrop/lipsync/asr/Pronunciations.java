package io.lipdrop.lipsync.asr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CMU pronouncing dictionary ({@code cmudict-en-us.dict}: 134,000 words, "hello HH AH L OW", alternatives as
 * "word(2)"): the phonemes of a recognised word, the first pronunciation (the dictionary's most common). Read once and
 * kept (about 20 MB of heap): a job's words are looked up in microseconds.
 */
final class Pronunciations {
    private final Map<String, String[]> words;

    private Pronunciations(Map<String, String[]> words) {
        this.words = words;
    }

    static Pronunciations read(Path dict) {
        Map<String, String[]> words = new HashMap<>(1 << 18);
        Map<String, String> names = new HashMap<>(); // "AH0" -> "AH", one String per phoneme and stress
        try (BufferedReader r = Files.newBufferedReader(dict, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (space <= 0) continue;
                String word = line.substring(0, space);
                if (word.endsWith(")")) continue; // "word(2)": an alternative pronunciation
                words.put(word.toLowerCase(Locale.ROOT), phones(line, space + 1, names));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pronouncing dictionary " + dict, e);
        }
        return new Pronunciations(words);
    }

    /**
     * The phonemes after {@code from}, stress digits dropped ("AH0" is AH). By hand, not by split and a regex per
     * phoneme: those compiled 800,000 patterns, about 0.4 CPU s of the aligner's load in a fresh process (0.27 now).
     */
    private static String[] phones(String line, int from, Map<String, String> names) {
        List<String> out = new java.util.ArrayList<>(8);
        StringBuilder name = new StringBuilder(4);
        for (int i = from, n = line.length(); i <= n; i++) {
            char c = i < n ? line.charAt(i) : ' ';
            if (Character.isWhitespace(c)) {
                if (name.length() > 0) {
                    String key = name.toString();
                    out.add(names.computeIfAbsent(key, k -> k.replaceAll("[0-9]", "").intern()));
                    name.setLength(0);
                }
            } else {
                name.append(c);
            }
        }
        return out.toArray(String[]::new);
    }

    /** The word's phonemes; empty when the dictionary does not know it. */
    Optional<List<String>> of(String word) {
        String[] p = words.get(word.toLowerCase(Locale.ROOT));
        return p == null ? Optional.empty() : Optional.of(List.of(p));
    }
}
