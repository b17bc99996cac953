package io.lipdrop.lipsync.asr;

/** One recognised word: its text (lower case, as the model spells it), start and end in seconds, and Vosk's confidence 0..1. */
public record Word(String text, double start, double end, double confidence) {}
