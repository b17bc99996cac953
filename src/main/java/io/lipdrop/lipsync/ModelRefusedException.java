package io.lipdrop.lipsync;

/** Why a model is not installed; the message says what is wrong and what to do. Nothing was left in models/. */
public final class ModelRefusedException extends Exception {
    public ModelRefusedException(String message) {
        super(message);
    }
}
