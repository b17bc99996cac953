package io.lipdrop.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** `lipdrop run` as a real child JVM on a temporary LIPDROP_HOME, as a user would start it. */
public final class LipDropProcess implements AutoCloseable {
    private final Path home;
    private final List<String> extraProperties;
    private Path app = Path.of(System.getProperty("lipdrop.app", "."));
    private Process process;

    public LipDropProcess(Path home, String... extraProperties) {
        this.home = home;
        this.extraProperties = List.of(extraProperties);
    }

    /** Runs from another installation folder (-Dlipdrop.app: its routes/ and models/), e.g. a copy whose routes a test edits. */
    public LipDropProcess app(Path app) {
        this.app = app;
        return this;
    }

    public LipDropProcess start() throws IOException {
        launch();
        waitForLog("LipDrop started", 60);
        return this;
    }

    /** Starts LipDrop expecting it to refuse: waits for it to exit and returns its exit code (-1 if it is still running). */
    public int startExpectingExit(int seconds) throws IOException, InterruptedException {
        launch();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    private void launch() throws IOException {
        // The classpath goes through an @argfile: ONNX Runtime 1.29's native start-up crashes (SIGSEGV)
        // when the process's command line is longer than about 2 KB, which a full Maven classpath is.
        Files.createDirectories(home);
        Path argfile = home.resolve("jvm.args");
        Files.writeString(argfile, "-cp \"" + classpath().replace("\\", "\\\\") + "\"\n");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "@" + argfile,
                "-Dlipdrop.app=" + app,
                "-Dlipdrop.home=" + home,
                "-Dlog4j2.configurationFile=log4j2.xml", // the real logging set-up: console and logs/lipdrop.log
                "-Dlipdrop.intake.stable-millis=400",
                "-Dlipdrop.intake.poll-millis=200",
                "-Dlipdrop.cpu-threads=2"));
        extraProperties.forEach(p -> cmd.add("-D" + p));
        cmd.addAll(List.of("io.lipdrop.LipDrop", "run"));
        Files.createDirectories(home);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.txt").toFile())).start();
    }

    /** The test JVM's real classpath (surefire runs tests from a manifest-only jar). */
    private static String classpath() {
        String cp = System.getProperty("java.class.path");
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null ? surefire : cp;
    }

    public Path home() { return home; }
    public Path inbox() { return home.resolve("inbox"); }
    public Path outbox() { return home.resolve("outbox"); }
    public Path archive() { return home.resolve("archive"); }

    public String log() {
        try {
            Path f = home.resolve("logs").resolve("lipdrop.log");
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public long count(String regex) {
        return Pattern.compile(regex, Pattern.MULTILINE).matcher(log()).results().count();
    }

    /** Waits until the log has {@code times} lines matching {@code regex}. */
    public void waitForLog(String regex, int seconds) { waitForLog(regex, 1, seconds); }

    public void waitForLog(String regex, long times, int seconds) {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (count(regex) >= times) return;
            if (process != null && !process.isAlive()) throw new AssertionError("LipDrop exited:\n" + console());
            sleep(100);
        }
        throw new AssertionError("no " + times + "x '" + regex + "' in the log after " + seconds + " s:\n" + log() + "\nconsole:\n" + console());
    }

    public String console() {
        try {
            return Files.readString(home.resolve("console.txt"));
        } catch (IOException e) {
            return "";
        }
    }

    /** kill -STOP / -CONT: the process freezes as a stalled machine would (a long GC, a VM paused), then goes on. */
    public void signal(String name) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) throw new IllegalStateException("kill -" + name + " failed: " + rc);
    }

    /** kill -9: no shutdown hook, no chance to tidy up. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) kill9();
        }
    }

    /** Copies into the inbox as an uploader would: straight into place, with no atomic rename. */
    public static void drop(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(source, target);
    }

    public static List<File> files(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(Path::toFile).sorted().toList();
        }
    }

    /** {@link #files}, for assertions inside lambdas. */
    public static List<File> filesQuietly(Path dir) {
        try {
            return files(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
