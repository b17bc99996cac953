package io.lipdrop.lipsync.model;

import java.nio.file.Path;

/**
 * Where and how ONNX Runtime runs the model.
 *
 * @param provider   lipdrop.provider: auto, cuda or cpu
 * @param cpuThreads ONNX Runtime's CPU threads (0: one per core)
 * @param gpus       GPUs to open a session on, one each (device 0..gpus-1)
 * @param cudaCache  the folder the CUDA runtime's libraries are unpacked into, once
 */
public record ModelRuntime(ProviderPreference provider, int cpuThreads, int gpus, Path cudaCache) {

    /** All the machine's GPUs, the CUDA libraries in the user's cache folder. */
    public static ModelRuntime of(ProviderPreference provider, int cpuThreads) {
        return new ModelRuntime(provider, cpuThreads, GpuDevices.count("auto"), CudaLibraries.defaultCache());
    }

    /** From the settings' values: {@code gpus} as lipdrop.gpus, {@code cudaCache} empty for the default. */
    public static ModelRuntime of(ProviderPreference provider, int cpuThreads, String gpus, String cudaCache) {
        return new ModelRuntime(provider, cpuThreads, GpuDevices.count(gpus),
                cudaCache == null || cudaCache.isBlank() ? CudaLibraries.defaultCache() : Path.of(cudaCache.trim()));
    }
}
