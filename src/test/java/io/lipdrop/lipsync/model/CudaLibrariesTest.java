package io.lipdrop.lipsync.model;

import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.testing.CapturedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA runtime from Maven Central's redist jar (a test dependency) makes ONNX Runtime's CUDA provider resolve
 * every library it needs, on a machine without a GPU too: there, the only thing missing must be the driver
 * (libcuda.so.1, which the provider links directly), never a CUDA or cuDNN library; and with a stand-in for the
 * driver's file, every symbol resolves and the CUDA runtime itself runs and stops at the driver (CUDA error 35,
 * cudaErrorInsufficientDriver). With a driver present, the session must open.
 *
 * <p>The jar (2.0 GB) is on the test classpath only with the pom's gpu profile: on a machine with an NVIDIA driver,
 * or with {@code mvn -Pgpu test}. Elsewhere the two tests that need it are skipped, saying how to run them.
 */
class CudaLibrariesTest {
    private static final Pattern MISSING = Pattern.compile("(lib[\\w.+-]+\\.so[.\\d]*): cannot open shared object file");

    @Test
    void theProvidersLibrariesResolveAndOnlyTheDriverIsMissing() throws Exception {
        assumeCudaRuntimeJar();
        String out = runCheck();
        String without = section(out, "== without\n", "loaded:");
        String with = section(out, "== with\n", "== end");

        // the control: without the jar's libraries the provider misses its first NEEDED CUDA library
        assertEquals(List.of("libcublasLt.so.12"), missing(without), out);

        assertTrue(out.contains("loaded: true | CUDA 12.6, cuDNN 9.5 (cuda-12.6-9.5-1.5.11-linux-x86_64-redist.jar"), out);
        for (String lib : CudaProviderCheck.DLOPENED) assertTrue(out.contains("dlopen " + lib + ": ok"), lib + " by soname:\n" + out);
        if (CudaProbe.gpuPresent()) {
            assertTrue(with.contains("session: ok"), with);
        } else {
            // libcuda.so.1 comes last of the provider's NEEDED CUDA libraries (after libcublasLt, libcublas, libcurand,
            // libcufft, libcudart, libnvrtc, libcudnn): the dynamic linker found all of those, only the driver is missing
            assertEquals(List.of("libcuda.so.1"), missing(with), out);
            assertTrue(with.contains("session: failed"), with);
            assertTrue(out.contains("driver: the NVIDIA driver's libcuda.so.1 cannot be loaded"), out);
        }
    }

    /**
     * The dynamic linker stops at the first missing library, before it binds any symbol: past the missing driver
     * (a stand-in file named libcuda.so.1, found through LD_LIBRARY_PATH), every symbol the provider takes from
     * the jar's libraries must bind (an older CUDA runtime fails here: ONNX Runtime 1.28+ wants libcudart 12.8's
     * cudaLibraryGetKernel), and the CUDA runtime must run until it asks the driver for a device.
     */
    @Test
    void pastTheMissingDriverEverySymbolBindsAndCudaStopsAtTheDriver(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(CudaProbe.gpuPresent(), "this machine has a GPU: the first test opens a session");
        assumeCudaRuntimeJar();
        Path standIn = dir.resolve("libcuda.so.1");
        Files.copy(systemLibrary("libz.so.1"), standIn); // any real shared library without the driver's functions
        String out = runCheck(Map.of("LD_LIBRARY_PATH", dir.toString()));
        String with = section(out, "== with\n", "== end");
        assertEquals(List.of(), missing(with), out);
        assertFalse(with.contains("undefined symbol"), out);
        assertTrue(with.contains("session: failed: ") && with.contains("CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version")
                && with.contains("cudaSetDevice"), with);
    }

    @Test
    void withoutADriverCudaFailsNamingLibcudaAndAutoFallsBackToTheCpuWithOneWarning() {
        org.junit.jupiter.api.Assumptions.assumeFalse(CudaProbe.gpuPresent(), "this machine has a GPU");
        String before = System.getProperty("lipdrop.cuda.skipProbe");
        // past the cheap /proc check, as on a machine whose driver is half there (a container without its libraries)
        System.setProperty("lipdrop.cuda.skipProbe", "true");
        try (CapturedLog log = new CapturedLog()) {
            ModelRuntime cuda = new ModelRuntime(ProviderPreference.CUDA, 1, 1, CudaLibraries.defaultCache());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Wav2LipModel.load("d.onnx", DefaultModelGenerator.generate(), cuda));
            assertTrue(e.getMessage().startsWith("lipdrop.provider=cuda but the NVIDIA driver's libcuda.so.1 cannot be loaded"), e.getMessage());

            ModelRuntime auto = new ModelRuntime(ProviderPreference.AUTO, 1, 1, CudaLibraries.defaultCache());
            try (Wav2LipModel m = Wav2LipModel.load("d.onnx", DefaultModelGenerator.generate(), auto)) {
                assertEquals(ExecutionProvider.CPU, m.provider());
                assertTrue(m.providerNote().contains("libcuda.so.1"), m.providerNote());
                float[] out = new float[3 * 96 * 96];
                m.infer(new float[80 * 16], new float[6 * 96 * 96], 1, out); // and it runs
            }
            List<String> warnings = log.lines().stream().filter(l -> l.startsWith("WARN")).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("runs on the CPU (lipdrop.provider=auto): the NVIDIA driver's libcuda.so.1"), warnings.get(0));
        } finally {
            if (before == null) System.clearProperty("lipdrop.cuda.skipProbe"); else System.setProperty("lipdrop.cuda.skipProbe", before);
        }
    }

    @Test
    void unpacksOnceAtomicallyReusesACompleteCopyAndReplacesAnIncompleteOne(@TempDir Path dir) throws Exception {
        Path jar = smallRedistJar(dir.resolve("cuda-12.6-9.5-1.5.11-linux-x86_64-redist.jar"));
        Path folder = dir.resolve("cache").resolve("cuda-12.6-9.5-1.5.11-linux-x86_64-redist");
        CudaLibraries.unpack(jar, folder);
        for (String lib : CudaLibraries.LIBRARIES) assertEquals(content(lib), Files.readString(folder.resolve(lib)), lib);
        try (var siblings = Files.list(folder.getParent())) {
            assertEquals(List.of(folder), siblings.toList(), "no temporary folder left behind");
        }

        Path first = folder.resolve(CudaLibraries.LIBRARIES.get(0));
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(first, old);
        CudaLibraries.unpack(jar, folder);
        assertEquals(old, Files.getLastModifiedTime(first), "a complete copy is reused, not written again");

        Path last = folder.resolve(CudaLibraries.LIBRARIES.get(CudaLibraries.LIBRARIES.size() - 1));
        Files.writeString(last, "cut"); // an earlier copy damaged by hand
        CudaLibraries.unpack(jar, folder);
        assertEquals(content(last.getFileName().toString()), Files.readString(last));
        try (var siblings = Files.list(folder.getParent())) {
            assertEquals(List.of(folder), siblings.toList(), "the damaged copy was removed");
        }
    }

    @Test
    void gpusAutoFollowsCudaVisibleDevices() {
        assertEquals(3, GpuDevices.visible(null, 3));
        assertEquals(2, GpuDevices.visible("2,3", 4));
        assertEquals(1, GpuDevices.visible("1,-1,2", 4));
        assertEquals(0, GpuDevices.visible("", 4));
        assertEquals(2, GpuDevices.count("2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuDevices.count("two"));
        assertTrue(e.getMessage().contains("lipdrop.gpus") && e.getMessage().contains("'two'"), e.getMessage());
    }

    /**
     * The CUDA runtime jar comes with the gpu profile (where an NVIDIA driver is present, or -Pgpu); a machine without
     * a GPU does not download it for the tests. TestClasspathTest checks that the jar is there exactly when a profile
     * says so, so this skip cannot hide a jar that should have been there.
     */
    private static void assumeCudaRuntimeJar() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                CudaLibrariesTest.class.getClassLoader().getResource(CudaLibraries.RESOURCE_DIR + CudaLibraries.LIBRARIES.get(0)) != null,
                "the CUDA runtime jar is not on the test classpath: the gpu profile adds it where an NVIDIA driver is present; "
                        + "`mvn -Pgpu test -Dtest=CudaLibrariesTest` runs this test here (a 2.0 GB download, once)");
    }

    private static String content(String lib) { return "fake " + lib; }

    private static Path smallRedistJar(Path jar) throws IOException {
        try (JarOutputStream z = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String lib : CudaLibraries.LIBRARIES) {
                z.putNextEntry(new JarEntry(CudaLibraries.RESOURCE_DIR + lib));
                z.write(content(lib).getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return jar;
    }

    /** The libraries named in "X: cannot open shared object file" lines, in order. */
    private static List<String> missing(String text) {
        Matcher m = MISSING.matcher(text);
        return m.results().map(r -> r.group(1)).distinct().toList();
    }

    private static String section(String out, String from, String to) {
        int a = out.indexOf(from), b = out.indexOf(to, Math.max(a, 0));
        assertTrue(a >= 0 && b > a, "no section " + from + " in:\n" + out);
        return out.substring(a, b);
    }

    private static Path systemLibrary(String name) {
        for (String d : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")) {
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new org.opentest4j.TestAbortedException("no " + name + " on this machine");
    }

    private static String runCheck() throws Exception {
        return runCheck(Map.of());
    }

    /** CudaProviderCheck in a JVM of its own, stdout and stderr together. */
    private static String runCheck(Map<String, String> env) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path argfile = Files.createTempFile("cuda-check", ".args");
        try {
            // an @argfile: ONNX Runtime's native start-up crashes when the command line is longer than about 2 KB
            Files.writeString(argfile, "-cp \"" + cp.replace("\\", "\\\\") + "\"\n");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "@" + argfile, CudaProviderCheck.class.getName()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] bytes = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the check did not finish");
            String out = new String(bytes, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertNotNull(out);
            assertFalse(out.isBlank());
            return out;
        } finally {
            Files.deleteIfExists(argfile);
        }
    }
}
