package io.lipdrop.lipsync.asr;

/**
 * One phoneme (ARPAbet, as the CMU dictionary spells it, without stress: "AA", "B", "SIL") and its time in seconds.
 *
 * @param inWord true when it is a phoneme of a recognised word placed by forced alignment; false when the phoneme
 *               recogniser heard it where no word was accepted (a word the recogniser did not know, or got wrong)
 */
public record Phone(String name, double start, double end, boolean inWord) {
    public boolean silent() { return name.equals("SIL"); }
}
