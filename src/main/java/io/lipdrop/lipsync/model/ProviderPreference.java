package io.lipdrop.lipsync.model;

import java.util.Locale;

/** The {@code lipdrop.provider} setting: {@code auto} tries CUDA then CPU, the others insist. */
public enum ProviderPreference {
    AUTO, CUDA, CPU;

    public static ProviderPreference parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lipdrop.provider must be auto, cuda or cpu, not '" + value + "'");
        }
    }
}
