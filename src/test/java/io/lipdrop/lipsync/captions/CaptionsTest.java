package io.lipdrop.lipsync.captions;

import io.lipdrop.lipsync.asr.Word;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptionsTest {

    /** Words of {@code text} spoken one after another, each {@code each} seconds long, from {@code start}. */
    private static List<Word> spoken(String text, double start, double each) {
        List<Word> words = new ArrayList<>();
        double t = start;
        for (String w : text.split(" ")) {
            words.add(new Word(w, t, t + each, 1));
            t += each;
        }
        return words;
    }

    @Test
    void cuesHoldAtMostTwoLinesOf42AndEndAtPausesAndAfterSixSeconds() {
        List<Word> words = new ArrayList<>(spoken("good morning and welcome to our weekly update today we will look at the new "
                + "features in the app first the home page is faster and easier to read", 0.5, 0.3));
        double afterPause = words.get(words.size() - 1).end() + 1.2;
        words.addAll(spoken("thank you for watching", afterPause, 0.3));
        List<Cue> cues = Captions.cues(words);
        for (Cue c : cues) {
            assertTrue(c.lines().size() <= 2, c.toString());
            c.lines().forEach(l -> assertTrue(l.length() <= Captions.MAX_LINE, l + " is longer than 42"));
            assertTrue(c.end() - c.start() <= Captions.MAX_SECONDS + 1e-9, c + " lasts longer than 6 s");
        }
        assertEquals(0.5, cues.get(0).start(), 1e-9, "a cue starts with its first word");
        Cue last = cues.get(cues.size() - 1);
        assertEquals(List.of("Thank you for watching"), last.lines(), "a pause starts a new cue, with a capital");
        assertEquals(afterPause, last.start(), 1e-9);
        assertEquals(afterPause + 1.2, last.end(), 1e-9, "and it ends with its last word");
        String all = String.join(" ", cues.stream().flatMap(c -> c.lines().stream()).toList()).toLowerCase();
        assertEquals(String.join(" ", words.stream().map(Word::text).toList()), all, "every word once, in order");
        // the two lines of a full cue are balanced, not 42 + a word
        Cue full = cues.stream().filter(c -> c.lines().size() == 2).findFirst().orElseThrow();
        assertTrue(Math.abs(full.lines().get(0).length() - full.lines().get(1).length()) <= 12, full.toString());
    }

    @Test
    void srtAndWebVttAreWrittenAsPlayersReadThem() {
        List<Cue> cues = List.of(new Cue(0.03, 2.55, List.of("Welcome to the quarterly", "product review")),
                new Cue(3723.5, 3725.0049, List.of("I <3 R&D")));
        assertEquals("1\n00:00:00,030 --> 00:00:02,550\nWelcome to the quarterly\nproduct review\n\n"
                + "2\n01:02:03,500 --> 01:02:05,005\nI <3 R&D\n\n", CaptionFormat.SRT.render(cues));
        assertEquals("WEBVTT\n\n00:00:00.030 --> 00:00:02.550\nWelcome to the quarterly\nproduct review\n\n"
                + "01:02:03.500 --> 01:02:05.005\nI &lt;3 R&amp;D\n\n", CaptionFormat.VTT.render(cues));
        assertEquals("WEBVTT\n\n", CaptionFormat.VTT.render(List.of()));
        assertEquals(List.of("I'm here and I know"), Captions.cues(spoken("i'm here and i know", 0, 0.2)).get(0).lines());
    }
}
