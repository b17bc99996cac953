package io.lipdrop.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An executable named nvidia-smi for machines without an NVIDIA GPU (this one and CI): it checks it was asked
 * LipDrop's query and prints {@code answer} in nvidia-smi's own CSV form, waits first while {@code slow} exists
 * and exits with {@code exit} when that file exists. It stands in for the driver only; the process handling,
 * parsing and gauges under test are LipDrop's real ones.
 */
final class NvidiaSmiStandIn {
    private NvidiaSmiStandIn() {}

    /** Writes dir/nvidia-smi and dir/answer; returns dir, to use as a PATH. */
    static Path in(Path dir, String answer) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("answer"), answer);
        Path exe = dir.resolve("nvidia-smi");
        Files.writeString(exe, """
                #!/bin/sh
                d=$(dirname "$0")
                [ "$*" = "%s" ] || { echo "unexpected arguments: $*"; exit 2; }
                [ -f "$d/slow" ] && sleep "$(cat "$d/slow")"
                cat "$d/answer"
                [ -f "$d/exit" ] && exit "$(cat "$d/exit")"
                exit 0
                """.formatted(String.join(" ", NvidiaSmi.QUERY)));
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
