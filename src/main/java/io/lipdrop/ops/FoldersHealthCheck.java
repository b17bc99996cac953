package io.lipdrop.ops;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** DOWN, naming the folder, when LipDrop cannot write where it must (checked by writing a probe file). */
public final class FoldersHealthCheck extends AbstractHealthCheck {
    private final Map<String, Path> folders;

    public FoldersHealthCheck(Map<String, Path> folders) {
        super("lipdrop", "folders");
        this.folders = folders;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> problems = new ArrayList<>();
        folders.forEach((name, dir) -> {
            try {
                Path probe = Files.createTempFile(dir, ".health", ".tmp");
                Files.delete(probe);
            } catch (IOException | RuntimeException e) {
                builder.detail(name, dir.toString());
                problems.add(name + " is not writable (" + e.getClass().getSimpleName() + ")");
            }
        });
        if (problems.isEmpty()) builder.up();
        else builder.message(String.join("; ", problems)).down();
    }
}
