package io.lipdrop.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for the tests: s3proxy (from Maven Central) with its filesystem backend, as its own
 * process on a loopback port. It can be stopped and started again on the same port and data, as an outage.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "lipdrop-test";
    public static final String SECRET_KEY = "lipdrop-test-secret";

    private final Path dir;
    private final int port;
    private Process process;

    public S3ProxyServer(Path dir) throws IOException {
        this.dir = dir;
        this.port = FreePorts.next();
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data"), ""));
    }

    public String endpoint() { return "http://127.0.0.1:" + port; }

    public S3ProxyServer start() throws IOException, InterruptedException {
        String jar = Arrays.stream(classpath().split(java.io.File.pathSeparator))
                .filter(p -> p.contains("s3proxy")).findFirst()
                .orElseThrow(() -> new IllegalStateException("s3proxy jar-with-dependencies is not on the test classpath"));
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar, "--properties", dir.resolve("s3proxy.conf").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile())).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) throw new IllegalStateException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("s3proxy did not open port " + port);
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException { stop(); }

    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null ? surefire : System.getProperty("java.class.path");
    }
}
