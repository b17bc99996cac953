package io.lipdrop.jobs;

/**
 * How many jobs a node makes at once ({@code lipdrop.jobs.workers}). {@code auto}: one per GPU where there are
 * GPUs (a job keeps one GPU busy; a second on the same GPU only queues for it), else one per four cores (a
 * job's stages already keep several cores busy: decoding, the face stage, compositing and the encoder run as
 * a pipeline), at least one.
 */
public final class Workers {
    private Workers() {}

    public static int resolve(String workers, String gpus, int cores) {
        if (!"auto".equals(workers)) return positive("lipdrop.jobs.workers", workers);
        int g = io.lipdrop.lipsync.model.GpuDevices.count(gpus); // the same count the model's sessions use
        return g > 0 ? g : Math.max(1, cores / 4);
    }

    private static int positive(String key, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + key + " must be auto or a whole number of at least 1, not '" + value + "'");
    }
}
