package io.lipdrop.lipsync.model;

/** Where ONNX Runtime runs the model. */
public enum ExecutionProvider {
    CUDA, CPU;

    public String label() { return name().toLowerCase(); }
}
