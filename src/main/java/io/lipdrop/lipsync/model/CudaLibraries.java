package io.lipdrop.lipsync.model;

import io.lipdrop.files.FileTrees;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes the CUDA 12 + cuDNN 9 runtime that {@code onnxruntime_gpu} needs available without a CUDA installation.
 * The libraries come in Maven Central's {@code org.bytedeco:cuda:*:linux-x86_64-redist} jar (on the classpath
 * only with the build's cuda profiles): they are unpacked once into a cache folder and loaded here, in dependency
 * order, before ONNX Runtime loads its CUDA provider. The dynamic linker then finds them by soname: the
 * provider's NEEDED libcublasLt/libcublas/libcurand/libcudart, and what it and libcudnn dlopen later
 * (libcudnn.so.9 and its sub-libraries, libcufft, libnvrtc). Only the .so files of the jar are used, never its
 * Java classes (they belong to another javacpp version).
 *
 * <p>The NVIDIA driver's {@code libcuda.so.1} is the one library that cannot come from a jar: the provider
 * links it directly, so it is looked up (as the provider would, by soname) and its absence is the cause named.
 */
public final class CudaLibraries {
    private static final Logger LOG = LoggerFactory.getLogger(CudaLibraries.class);

    static final String RESOURCE_DIR = "org/bytedeco/cuda/linux-x86_64/";
    /** Each library after the ones it needs (readelf -d), so every System.load finds its dependencies loaded. */
    static final List<String> LIBRARIES = List.of(
            "libcudart.so.12", "libcublasLt.so.12", "libcublas.so.12", "libcurand.so.10", "libcufft.so.11",
            "libnvrtc-builtins.so.12.6", "libnvrtc.so.12",
            "libcudnn_graph.so.9", "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9",
            "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9", "libcudnn_adv.so.9", "libcudnn.so.9");
    /** The driver's library: installed with the NVIDIA driver, never redistributed. */
    static final String DRIVER = "libcuda.so.1";

    private static final Pattern JAR_NAME = Pattern.compile("cuda-(\\d+\\.\\d+)-(\\d+\\.\\d+)-[\\d.]+-linux-x86_64-redist\\.jar");

    private static Result loaded;

    private CudaLibraries() {}

    /**
     * What {@link #load} found.
     *
     * @param source   the redist jar, or null when it is not on the classpath
     * @param folder   where its libraries were unpacked and loaded from, or null
     * @param cuda     the CUDA version its name carries ("12.6"), or null
     * @param cudnn    the cuDNN version its name carries ("9.5"), or null
     * @param problem  why the jar's libraries could not be used (unpacking or loading failed), or null
     * @param driverProblem why the driver's libcuda.so.1 cannot be loaded, or null when it loads
     */
    public record Result(Path source, Path folder, String cuda, String cudnn, String problem, String driverProblem) {
        /** The jar's libraries are loaded. */
        public boolean loaded() { return folder != null && problem == null; }

        /** "CUDA 12.6, cuDNN 9.5 (cuda-12.6-9.5-1.5.11-linux-x86_64-redist.jar, unpacked in /root/.cache/...)". */
        public String describe() {
            if (!loaded()) return source == null ? "the system's CUDA libraries (no CUDA runtime jar on the classpath)" : problem;
            return "CUDA " + cuda + ", cuDNN " + cudnn + " (" + source.getFileName() + ", unpacked in " + folder + ")";
        }
    }

    /** {@code $XDG_CACHE_HOME/lipdrop/cuda}, else {@code ~/.cache/lipdrop/cuda}: shared by every LipDrop home on the machine. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("lipdrop").resolve("cuda");
    }

    /**
     * Unpacks (first time) and loads the jar's libraries, then looks for the driver. Once per process: a library
     * cannot be unloaded, so later calls return the first result whatever their cache folder.
     */
    public static synchronized Result load(Path cache) {
        if (loaded == null) loaded = loadNow(cache);
        return loaded;
    }

    private static Result loadNow(Path cache) {
        String driverProblem = driverProblem();
        URL marker = CudaLibraries.class.getClassLoader().getResource(RESOURCE_DIR + LIBRARIES.get(0));
        if (marker == null) return new Result(null, null, null, null, null, driverProblem);
        Path jar;
        try {
            jar = jarOf(marker);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return new Result(null, null, null, null, "cannot open the CUDA runtime jar at " + marker + ": " + e.getMessage(), driverProblem);
        }
        Matcher m = JAR_NAME.matcher(jar.getFileName().toString());
        String cuda = m.matches() ? m.group(1) : "12", cudnn = m.matches() ? m.group(2) : "9";
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path folder = cache.toAbsolutePath().resolve(name);
        try {
            unpack(jar, folder);
        } catch (IOException | RuntimeException e) {
            return new Result(jar, null, cuda, cudnn, "cannot unpack the CUDA libraries of " + jar.getFileName() + " into "
                    + folder + ": " + e, driverProblem);
        }
        for (String lib : LIBRARIES) {
            try {
                System.load(folder.resolve(lib).toString());
            } catch (UnsatisfiedLinkError e) {
                return new Result(jar, folder, cuda, cudnn, "cannot load " + lib + " of " + jar.getFileName() + ": " + e.getMessage(), driverProblem);
            }
        }
        Result r = new Result(jar, folder, cuda, cudnn, null, driverProblem);
        LOG.info("loaded {}", r.describe());
        return r;
    }

    /** The redist jar's path from a resource URL inside it ({@code jar:file:/...redist.jar!/org/...}). */
    private static Path jarOf(URL resource) throws IOException, URISyntaxException {
        if (!"jar".equals(resource.getProtocol())) throw new IOException("not inside a jar");
        return Path.of(((JarURLConnection) resource.openConnection()).getJarFileURL().toURI());
    }

    /**
     * Unpacks the libraries into {@code folder} unless a complete copy is there. Atomic: into a temporary folder
     * beside it, renamed when complete, so a process that stops half-way (or two starting at once) never leaves a
     * partial folder that looks complete.
     */
    static void unpack(Path jar, Path folder) throws IOException {
        try (JarFile zip = new JarFile(jar.toFile())) {
            if (complete(zip, folder)) return;
            Files.createDirectories(folder.getParent());
            long bytes = 0;
            for (String lib : LIBRARIES) bytes += entry(zip, lib).getSize();
            LOG.info("unpacking the CUDA runtime ({} MB) from {} into {} (once)", bytes >> 20, jar.getFileName(), folder);
            Path tmp = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".unpacking-");
            try {
                for (String lib : LIBRARIES) {
                    try (InputStream in = zip.getInputStream(entry(zip, lib))) {
                        Files.copy(in, tmp.resolve(lib));
                    }
                }
                if (Files.exists(folder)) {
                    if (complete(zip, folder)) return; // another process finished first
                    Path stale = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".stale-");
                    Files.move(folder, stale.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
                    FileTrees.delete(stale);
                }
                try {
                    Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                    if (!complete(zip, folder)) throw e;
                }
            } finally {
                FileTrees.delete(tmp);
            }
        }
    }

    private static JarEntry entry(JarFile zip, String lib) throws IOException {
        JarEntry e = zip.getJarEntry(RESOURCE_DIR + lib);
        if (e == null) throw new IOException(zip.getName() + " has no " + RESOURCE_DIR + lib);
        return e;
    }

    /** Every library there with the size the jar gives it. */
    private static boolean complete(JarFile zip, Path folder) throws IOException {
        for (String lib : LIBRARIES) {
            Path f = folder.resolve(lib);
            if (!Files.isRegularFile(f) || Files.size(f) != entry(zip, lib).getSize()) return false;
        }
        return true;
    }

    /**
     * Why the driver's libcuda.so.1 cannot be loaded, or null: dlopen by soname, the search the provider's own
     * NEEDED entry goes through (LD_LIBRARY_PATH, the ld.so cache, the system folders).
     */
    static String driverProblem() {
        try {
            Loader.loadGlobal(DRIVER);
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "the NVIDIA driver's " + DRIVER + " cannot be loaded (" + e.getMessage() + ")";
        }
    }

    /** The driver's version line ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.82.07 ..."), or null. */
    public static String driverVersion() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/driver/nvidia/version"))) {
            return lines.findFirst().map(l -> l.replaceAll("\\s+", " ").trim()).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
