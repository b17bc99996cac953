package io.lipdrop;

import io.lipdrop.lipsync.MediaLibraries;
import io.lipdrop.lipsync.audio.AudioDecoder;
import io.lipdrop.lipsync.audio.Mel;
import io.lipdrop.lipsync.audio.MelSpectrogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lipdrop mel AUDIO}: Wav2Lip's mel features as CSV (80 rows x T columns) on standard output. */
@Command(name = "mel", description = "Wav2Lip's mel features of AUDIO as CSV (80 rows x T columns) on standard output")
final class MelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "AUDIO", description = "the speech (any format FFmpeg reads)")
    Path audio;

    @Override
    public Integer call() throws Exception {
        return run(audio);
    }

    static int run(Path audio) throws Exception {
        MediaLibraries.init();
        Mel mel = new MelSpectrogram().compute(new AudioDecoder().decodeMono16k(audio));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out), 1 << 16);
        StringBuilder line = new StringBuilder();
        for (int b = 0; b < mel.bandCount(); b++) {
            line.setLength(0);
            for (int t = 0; t < mel.frames(); t++) {
                if (t > 0) line.append(',');
                line.append(String.format(Locale.ROOT, "%.6f", mel.value(b, t)));
            }
            out.write(line.toString());
            out.newLine();
        }
        out.flush();
        return 0;
    }
}
