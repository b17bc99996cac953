package io.lipdrop.lipsync.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * How many GPUs the model and the video decoder spread over ({@code lipdrop.gpus}). {@code auto}: the devices
 * CUDA will number 0..n-1, that is the entries of {@code CUDA_VISIBLE_DEVICES} when it is set, else the
 * {@code /dev/nvidiaN} nodes the driver exposes (at least one where a driver is present).
 */
public final class GpuDevices {
    private GpuDevices() {}

    public static int count(String setting) {
        String v = setting == null ? "auto" : setting.trim();
        if ("auto".equals(v)) {
            String listed = System.getenv("CUDA_VISIBLE_DEVICES");
            int n = visible(listed, devNodes());
            // a driver without /dev/nvidiaN nodes to count (an unusual container): CUDA still numbers a device 0
            return n == 0 && listed == null && CudaProbe.gpuPresent() ? 1 : n;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting lipdrop.gpus must be auto or a whole number of at least 0, not '" + setting + "'");
    }

    /** CUDA's own rule: a set CUDA_VISIBLE_DEVICES lists the devices (up to the first invalid entry such as -1). */
    static int visible(String cudaVisibleDevices, int devNodes) {
        if (cudaVisibleDevices == null) return devNodes;
        int n = 0;
        for (String id : Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList()) {
            if (id.isEmpty() || id.startsWith("-")) break;
            n++;
        }
        return n;
    }

    /** {@code /dev/nvidia0}, {@code /dev/nvidia1}, ...: the GPUs the NVIDIA driver exposes. */
    static int devNodes() {
        try (Stream<Path> dev = Files.list(Path.of("/dev"))) {
            return (int) dev.filter(p -> p.getFileName().toString().matches("nvidia[0-9]+")).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
