package io.lipdrop.lipsync.model;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cheap check for an NVIDIA driver before asking ONNX Runtime for CUDA: loading the CUDA provider
 * unpacks a 580 MB library, which is pointless (and slow) on a machine without a GPU.
 */
public final class CudaProbe {
    private CudaProbe() {}

    /** Null when a GPU driver is visible, else the reason CUDA cannot be used. */
    public static String whyUnavailable() {
        if (Boolean.getBoolean("lipdrop.cuda.skipProbe")) return null;
        if (Files.exists(Path.of("/proc/driver/nvidia/version")) || Files.exists(Path.of("/dev/nvidia0"))) return null;
        return "no NVIDIA GPU driver found (/proc/driver/nvidia/version is absent)";
    }

    public static boolean gpuPresent() { return whyUnavailable() == null; }
}
