package io.lipdrop.lipsync.asr;

import edu.cmu.sphinx.linguist.acoustic.tiedstate.Sphinx3Loader;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sphinx's model loader, shown only the context-free phonemes of the model definition ({@code mdef}). The aligner
 * scores those alone ({@code useCDUnits=false}), yet the stock loader tokenises the whole 7 MB definition twice, a
 * character at a time, for its 137,053 triphones: 1.2 of the 1.7 CPU s the aligner took to load in a fresh process.
 * The view keeps the header's counts but says there are no triphones, so the loader reads the 42 phonemes and stops.
 * The phonemes' senones, Gaussians and transitions are the model's own, so every score is the same; the triphones'
 * senones are still made from the mixture weights, each tied to the first phoneme's codebook instead of its own, and
 * are never scored.
 */
public class ContextFreeLoader extends Sphinx3Loader {
    private static final List<String> COUNTS = List.of("n_base", "n_tri", "n_state_map", "n_tied_state", "n_tied_ci_state", "n_tied_tmat");

    @Override
    protected InputStream getDataStream(String path) throws IOException, URISyntaxException {
        InputStream in = super.getDataStream(path);
        if (!"mdef".equals(path) || in == null) return in;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            return new ByteArrayInputStream(contextFree(r).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The definition's version, its counts with no triphones, and its context-free phonemes' lines. */
    static String contextFree(BufferedReader mdef) throws IOException {
        String version = null;
        long[] counts = new long[COUNTS.size()];
        int seen = 0;
        List<String> phones = new ArrayList<>();
        for (String line; (line = mdef.readLine()) != null; ) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) continue;
            if (version == null) {
                version = text;
            } else if (seen < counts.length) {
                String[] f = text.split("\\s+");
                if (f.length != 2 || !f[1].equals(COUNTS.get(seen))) throw new IOException("mdef: expected " + COUNTS.get(seen) + ", read '" + text + "'");
                counts[seen++] = Long.parseLong(f[0]);
            } else {
                phones.add(text);
                if (phones.size() == counts[0]) break;
            }
        }
        if (version == null || seen < counts.length || phones.size() != counts[0]) throw new IOException("mdef ends before its phonemes");
        long perHmm = counts[2] / (counts[0] + counts[1]);
        counts[1] = 0;
        counts[2] = perHmm * counts[0];
        StringBuilder out = new StringBuilder(version).append('\n');
        for (int i = 0; i < counts.length; i++) out.append(counts[i]).append(' ').append(COUNTS.get(i)).append('\n');
        phones.forEach(p -> out.append(p).append('\n'));
        return out.toString();
    }
}
