package io.lipdrop.lipsync.captions;

import io.lipdrop.lipsync.asr.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts recognised words into captions as subtitle guidelines ask (the BBC's and Netflix's agree on these): at most
 * {@link #MAX_LINE} characters a line and two lines a cue, a new cue at every pause of {@link #PAUSE_SECONDS} or more
 * and before a cue would last longer than {@link #MAX_SECONDS}. A cue starts with its first word and ends with its
 * last, so it is on screen only while that speech is heard. The recogniser gives no punctuation: a cue after a pause
 * starts with a capital, and "i" is written "I".
 */
public final class Captions {
    public static final int MAX_LINE = 42;
    public static final double PAUSE_SECONDS = 0.6;
    public static final double MAX_SECONDS = 6.0;

    private Captions() {}

    public static List<Cue> cues(List<Word> words) {
        List<Cue> cues = new ArrayList<>();
        List<Word> current = new ArrayList<>();
        boolean afterPause = true;
        for (Word w : words) {
            if (!current.isEmpty()) {
                Word last = current.get(current.size() - 1);
                boolean pause = w.start() - last.end() >= PAUSE_SECONDS;
                List<String> texts = texts(current);
                texts.add(w.text());
                if (pause || w.end() - current.get(0).start() > MAX_SECONDS || lines(texts) == null) {
                    cues.add(cue(current, afterPause));
                    afterPause = pause;
                    current.clear();
                }
            }
            current.add(w);
        }
        if (!current.isEmpty()) cues.add(cue(current, afterPause));
        return cues;
    }

    private static Cue cue(List<Word> words, boolean capital) {
        List<String> texts = texts(words);
        if (capital) texts.set(0, texts.get(0).substring(0, 1).toUpperCase(Locale.ROOT) + texts.get(0).substring(1));
        List<String> lines = lines(texts);
        if (lines == null) lines = List.of(String.join(" ", texts)); // one word longer than two lines: shown as it is
        return new Cue(words.get(0).start(), words.get(words.size() - 1).end(), lines);
    }

    private static List<String> texts(List<Word> words) {
        List<String> t = new ArrayList<>();
        for (Word w : words) t.add(w.text().equals("i") || w.text().startsWith("i'") ? "I" + w.text().substring(1) : w.text());
        return t;
    }

    /** The words on one line, or on two as even as can be; null when they need more than two lines of MAX_LINE. */
    static List<String> lines(List<String> words) {
        String all = String.join(" ", words);
        if (all.length() <= MAX_LINE) return List.of(all);
        List<String> best = null;
        int bestLongest = Integer.MAX_VALUE;
        for (int split = 1; split < words.size(); split++) {
            String a = String.join(" ", words.subList(0, split));
            String b = String.join(" ", words.subList(split, words.size()));
            int longest = Math.max(a.length(), b.length());
            if (longest <= MAX_LINE && longest < bestLongest) {
                best = List.of(a, b);
                bestLongest = longest;
            }
        }
        return best;
    }
}
