package io.lipdrop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory (VmHWM), for the benchmark's memory figures. */
public final class PeakMemory {
    private PeakMemory() {}

    public static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public static void print() {
        long kb = peakRssKb();
        if (kb > 0) System.out.printf("peak RSS: %.0f MB%n", kb / 1024.0);
    }
}
