package io.lipdrop.lipsync.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import org.bytedeco.javacpp.Loader;

import java.util.List;

/**
 * Run as its own JVM by {@link CudaLibrariesTest}: ONNX Runtime names the library its CUDA provider missed only
 * on the process's stderr (its exception says "Failed to load shared library"), and a loaded library cannot be
 * unloaded, so the "without" and "with" attempts need a fresh process whose output the test reads.
 * Prints {@code == without}, ONNX Runtime's attempt, {@code == with}, the attempt after {@link CudaLibraries#load}.
 */
public final class CudaProviderCheck {
    /** What libcudnn and the provider dlopen by soname at run time (not NEEDED, so not proven by the provider's load). */
    static final List<String> DLOPENED = List.of("libcudnn.so.9", "libcudnn_graph.so.9", "libcudnn_ops.so.9",
            "libcudnn_cnn.so.9", "libcudnn_adv.so.9", "libcudnn_heuristic.so.9", "libcudnn_engines_precompiled.so.9",
            "libcudnn_engines_runtime_compiled.so.9", "libcufft.so.11", "libnvrtc.so.12", "libnvrtc-builtins.so.12.6");

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model = DefaultModelGenerator.generate();
        say("== without");
        attempt(env, model);
        CudaLibraries.Result r = CudaLibraries.load(CudaLibraries.defaultCache());
        say("loaded: " + r.loaded() + " | " + r.describe());
        say("driver: " + (r.driverProblem() == null ? "ok" : r.driverProblem()));
        for (String lib : DLOPENED) {
            try {
                Loader.loadGlobal(lib);
                say("dlopen " + lib + ": ok");
            } catch (UnsatisfiedLinkError e) {
                say("dlopen " + lib + ": " + e.getMessage());
            }
        }
        say("== with");
        attempt(env, model);
        say("== end");
    }

    private static void attempt(OrtEnvironment env, byte[] model) {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.addCUDA(0);
            try (OrtSession ignored = env.createSession(model, o)) {
                say("session: ok");
            }
        } catch (Exception e) {
            say("session: failed: " + e.getMessage());
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush(); // before ONNX Runtime's native stderr lines, which share the pipe
    }
}
