package io.lipdrop;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Maven put on this very test run's classpath: the 2.0 GB CUDA runtime jar only where a profile asks for it
 * (gpu: an NVIDIA driver here, or -Pgpu; cuda-detected, cuda), so `mvn test` and `bin/lipdrop build` on a machine
 * without a GPU never download it. The pom tells the tests which profile is on (lipdrop.test.cuda-runtime).
 */
class TestClasspathTest {
    @Test
    void theCudaRuntimeJarIsOnTheTestClasspathOnlyWhereAProfileAsksForIt() {
        boolean expected = Boolean.getBoolean("lipdrop.test.cuda-runtime");
        List<String> cuda = classpath().stream().filter(e -> e.matches(".*/cuda-[^/]*-linux-x86_64-redist\\.jar")).toList();
        assertEquals(expected ? 1 : 0, cuda.size(), "lipdrop.test.cuda-runtime=" + expected + ", the CUDA runtime on the classpath: " + cuda);
        if (Files.exists(Path.of("/dev/nvidiactl"))) {
            assertTrue(expected, "an NVIDIA driver is present (/dev/nvidiactl) but the gpu profile did not switch itself on");
        }
    }

    /** The test JVM's real classpath (surefire runs tests from a manifest-only jar and names the entries here). */
    private static List<String> classpath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.asList(cp.split(File.pathSeparator));
    }
}
