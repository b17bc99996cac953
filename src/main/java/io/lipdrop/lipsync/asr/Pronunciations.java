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
        try (BufferedReader r = Files.newBufferedReader(dict, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (space <= 0) continue;
                String word = line.substring(0, space);
                if (word.endsWith(")")) continue; // "word(2)": an alternative pronunciation
                String[] phones = line.substring(space + 1).trim().split("\\s+");
                for (int i = 0; i < phones.length; i++) phones[i] = phones[i].replaceAll("[0-9]", "").intern();
                words.put(word.toLowerCase(Locale.ROOT), phones);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pronouncing dictionary " + dict, e);
        }
        return new Pronunciations(words);
    }

    /** The word's phonemes; empty when the dictionary does not know it. */
    Optional<List<String>> of(String word) {
        String[] p = words.get(word.toLowerCase(Locale.ROOT));
        return p == null ? Optional.empty() : Optional.of(List.of(p));
    }
}
