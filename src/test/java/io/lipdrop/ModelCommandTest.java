package io.lipdrop;

import com.sun.net.httpserver.HttpServer;
import io.lipdrop.files.ContentHasher;
import io.lipdrop.lipsync.ModelLocator;
import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.lipsync.onnx.OnnxGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lipdrop model add|list} on real ONNX models, a real local HTTP server and, once, through bin/lipdrop. */
class ModelCommandTest {
    /** A Wav2Lip-compatible model under other tensor names, as public exports have them. */
    static final byte[] WAV2LIP = DefaultModelGenerator.build(96, -1, "audio", "images", "out");
    static final String WAV2LIP_SHA = ContentHasher.sha256(WAV2LIP);

    @TempDir Path tmp;
    Path home;
    Path models;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    record Result(int code, String out, String err) {}

    @BeforeEach
    void setUp() throws IOException {
        home = tmp.resolve("home");
        models = home.resolve("models");
        Files.createDirectories(home);
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(0);
    }

    Result model(String... args) throws IOException {
        return model(Map.of(), args);
    }

    Result model(Map<String, String> env, String... args) throws IOException {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("LIPDROP_HOME", home.toString());
        Settings s = Settings.load(e, new Properties());
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("model"));
        all.addAll(List.of(args));
        int code = ModelCommand.run(s, all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path file(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve("downloads").resolve(name);
        Files.createDirectories(f.getParent());
        return Files.write(f, bytes);
    }

    /** Serves {@code bytes} at /m/NAME from 127.0.0.1 on a free port, with a Content-Length; returns the base URL. */
    String serve(String name, byte[] bytes) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/m/", exchange -> {
            requests.incrementAndGet();
            if (!exchange.getRequestURI().getPath().equals("/m/" + name)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                for (int i = 0; i < bytes.length; i += 8192) o.write(bytes, i, Math.min(8192, bytes.length - i));
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/m/";
    }

    List<String> modelsFolder() throws IOException {
        if (!Files.isDirectory(models)) return List.of();
        try (Stream<Path> s = Files.list(models)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] classifier() {
        OnnxGraph g = new OnnxGraph("classifier");
        g.input("pixels", -1, 3, 224, 224);
        g.output("logits", -1, 3, 224, 224);
        g.nodeTo("logits", "Identity", List.of(), "pixels");
        return g.toBytes();
    }

    @Test
    void copiesARealModelInUnderItsNameAndAutoThenUsesIt() throws Exception {
        Path src = file("wav2lip_gan.onnx", WAV2LIP);
        Result r = model("add", src.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertArrayEquals(WAV2LIP, Files.readAllBytes(models.resolve("wav2lip_gan.onnx")));
        assertEquals(List.of("wav2lip_gan.onnx"), modelsFolder(), "no temporary file is left");
        assertTrue(r.out().contains("installed models/wav2lip_gan.onnx") && r.out().contains("sha256 " + WAV2LIP_SHA)
                && r.out().contains("face 96x96, batch dynamic") && r.out().contains("face input 'images'"), r.out());
        assertTrue(r.out().contains("lipdrop.model=auto (the current setting) uses it"), r.out());
        assertTrue(r.out().contains("keeps its model until it is restarted (bin/lipdrop restart)"), r.out());
        // the service's own rule agrees
        assertEquals("wav2lip_gan.onnx", ModelLocator.locate("auto", models).name());

        // --name installs a copy under another name; auto now has two to choose from and says so
        Result second = model("add", src.toString(), "--name", "other.onnx");
        assertEquals(0, second.code(), second.out() + second.err());
        assertTrue(second.out().contains("will NOT use it") && second.out().contains("wav2lip_gan.onnx")
                && second.out().contains("LIPDROP_MODEL=other.onnx bin/lipdrop run"), second.out());

        // a running service (its PID file names a live process) is told to restart
        Process service = new ProcessBuilder("bash", "-c", "sleep 60; :", "lipdrop").start();
        try {
            Files.writeString(home.resolve("lipdrop.pid"), service.pid() + "\n");
            Result running = model("add", src.toString(), "--name", "third.onnx");
            assertTrue(running.out().contains("LipDrop is running on " + home + " (pid " + service.pid() + ")")
                    && running.out().contains("bin/lipdrop restart to switch"), running.out());
        } finally {
            service.destroy();
        }
    }

    @Test
    void sameFileTwiceIsNothingToDoOtherBytesNeedForce() throws Exception {
        Path src = file("w2l.onnx", WAV2LIP);
        assertEquals(0, model("add", src.toString()).code());
        Result again = model("add", src.toString());
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("already installed with the same content"), again.out());
        assertEquals(List.of("w2l.onnx"), modelsFolder());

        byte[] hd = DefaultModelGenerator.build(256, -1, "mel", "face", "pred");
        Path other = file("hd/w2l.onnx", hd);
        Result clash = model("add", other.toString());
        assertEquals(1, clash.code());
        assertTrue(clash.err().contains("already exists with other content") && clash.err().contains("--force"), clash.err());
        assertArrayEquals(WAV2LIP, Files.readAllBytes(models.resolve("w2l.onnx")), "left as it was");
        assertEquals(List.of("w2l.onnx"), modelsFolder());

        Result forced = model("add", other.toString(), "--force");
        assertEquals(0, forced.code(), forced.out() + forced.err());
        assertTrue(forced.out().contains("replaced models/w2l.onnx") && forced.out().contains("face 256x256"), forced.out());
        assertArrayEquals(hd, Files.readAllBytes(models.resolve("w2l.onnx")));
    }

    @Test
    void downloadsWithTheRightHashStreamsItInAndItLoads() throws Exception {
        byte[] big = DefaultModelGenerator.build(256, 4, "mel_spectrogram", "video_frames", "predicted_frames");
        String url = serve("wav2lip_hd.onnx", big) + "wav2lip_hd.onnx";
        Result r = model("add", url, "--sha256", ContentHasher.sha256(big).toUpperCase());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("plain http"), r.out());
        assertTrue(r.out().contains("SHA-256 verified: " + ContentHasher.sha256(big)), r.out());
        List<String> progress = r.err().lines().filter(l -> l.startsWith("downloading: ")).toList();
        assertTrue(progress.size() >= 9 && progress.size() <= 10 && progress.get(progress.size() - 1).startsWith("downloading: 100%"),
                "progress about every 10%:\n" + r.err());
        assertTrue(r.out().contains("face 256x256, batch 4"), r.out());
        assertEquals(List.of("wav2lip_hd.onnx"), modelsFolder());
        try (Wav2LipModel m = Wav2LipModel.load(models.resolve("wav2lip_hd.onnx"), ProviderPreference.CPU, 1)) {
            assertEquals(256, m.contract().faceSize());
        }
    }

    @Test
    void aWrongHashLeavesNothingAndNamesBothHashes() throws Exception {
        String url = serve("wav2lip_gan.onnx", WAV2LIP) + "wav2lip_gan.onnx";
        String expected = "ab".repeat(32);
        Result r = model("add", url, "--sha256", expected);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("expected " + expected) && r.err().contains("got " + WAV2LIP_SHA)
                && r.err().contains("nothing was installed"), r.err());
        assertEquals(List.of(), modelsFolder(), "neither the model nor its temporary file");
        assertEquals(1, requests.get());

        // a local file is checked too when given a hash
        Result local = model("add", file("wav2lip_gan.onnx", WAV2LIP).toString(), "--sha256", expected);
        assertEquals(1, local.code());
        assertTrue(local.err().contains("got " + WAV2LIP_SHA), local.err());
        assertEquals(List.of(), modelsFolder());
    }

    @Test
    void aDownloadCutShortLeavesNothing() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/m/", exchange -> {
            exchange.sendResponseHeaders(200, WAV2LIP.length);
            OutputStream o = exchange.getResponseBody();
            o.write(WAV2LIP, 0, WAV2LIP.length / 2);
            o.flush();
            exchange.close(); // half the promised bytes: the server drops the connection
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/m/wav2lip_gan.onnx";
        Result r = model("add", url, "--sha256", WAV2LIP_SHA);
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("nothing was installed") && r.err().contains("broke off after"), r.err());
        assertEquals(List.of(), modelsFolder());
    }

    @Test
    void aUrlWithoutSha256IsRefusedBeforeAnythingIsDownloaded() throws Exception {
        String url = serve("wav2lip_gan.onnx", WAV2LIP) + "wav2lip_gan.onnx";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model("add", url));
        assertTrue(e.getMessage().contains("without --sha256") && e.getMessage().contains("unverified"), e.getMessage());
        assertEquals(0, requests.get());
        assertThrows(IllegalArgumentException.class, () -> model("add", "ftp://127.0.0.1/w.onnx", "--sha256", WAV2LIP_SHA));
        assertThrows(IllegalArgumentException.class, () -> model("add", url, "--sha256", "12345"));
        assertEquals(List.of(), modelsFolder());
    }

    @Test
    void aFailedDownloadLeavesNothing() throws Exception {
        String url = serve("wav2lip_gan.onnx", WAV2LIP) + "missing.onnx";
        Result r = model("add", url, "--sha256", WAV2LIP_SHA);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("HTTP 404"), r.err());
        assertEquals(List.of(), modelsFolder());
    }

    @Test
    void aModelWithoutTheWav2LipInterfaceIsRefusedWithTheReason() throws Exception {
        Path src = file("classifier.onnx", classifier());
        Result r = model("add", src.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not have the Wav2Lip interface") && r.err().contains("[B,1,80,16]")
                && r.err().contains("pixels"), r.err());
        assertEquals(List.of(), modelsFolder());

        Path notOnnx = file("page.onnx", "<html>not found</html>".getBytes(StandardCharsets.UTF_8));
        Result html = model("add", notOnnx.toString());
        assertEquals(1, html.code());
        assertTrue(html.err().contains("could not be loaded by ONNX Runtime"), html.err());
        assertEquals(List.of(), modelsFolder());
    }

    @Test
    void namesAreCheckedBeforeAnythingIsCopied() throws Exception {
        Path src = file("model.bin", WAV2LIP);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model("add", src.toString())).getMessage().contains("--name"));
        assertThrows(IllegalArgumentException.class, () -> model("add", src.toString(), "--name", "../x.onnx"));
        assertThrows(IllegalArgumentException.class, () -> model("add", src.toString(), "--name", DefaultModelGenerator.FILE_NAME));
        Result missing = model("add", tmp.resolve("nope.onnx").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(List.of(), modelsFolder());
        assertEquals(0, model("add", src.toString(), "--name", "from-bin.onnx").code());
        assertEquals(List.of("from-bin.onnx"), modelsFolder());
    }

    @Test
    void listShowsSizeHashInterfaceAndWhatAutoUses() throws Exception {
        Result empty = model("list");
        assertEquals(0, empty.code());
        assertTrue(empty.out().contains("No neural model: lipdrop.model=auto uses LipDrop's built-in default"), empty.out());

        Files.createDirectories(models);
        Files.write(models.resolve(DefaultModelGenerator.FILE_NAME), DefaultModelGenerator.generate());
        assertEquals(0, model("add", file("wav2lip_gan.onnx", WAV2LIP).toString()).code());
        Files.write(models.resolve(".half.onnx.1234.part"), new byte[10]); // an interrupted add
        Result one = model("list");
        assertEquals(0, one.code());
        String line = one.out().lines().filter(l -> l.contains("wav2lip_gan.onnx")).findFirst().orElseThrow();
        assertTrue(line.startsWith("* ") && line.contains(WAV2LIP_SHA) && line.contains("face 96x96, batch dynamic")
                && line.contains(WAV2LIP.length / 1024 + "."), one.out());
        String def = one.out().lines().filter(l -> l.contains(DefaultModelGenerator.FILE_NAME + " ")).findFirst().orElseThrow();
        assertTrue(def.startsWith("  ") && def.contains("baseline"), one.out());
        assertTrue(one.out().contains("* = what lipdrop.model=auto runs"), one.out());
        assertTrue(one.out().contains(".half.onnx.1234.part"), one.out());
        assertEquals("wav2lip_gan.onnx", ModelLocator.locate("auto", models).name(), "the mark agrees with the service");

        Files.write(models.resolve("broken.onnx"), classifier());
        Result several = model("list");
        assertTrue(several.out().lines().noneMatch(l -> l.startsWith("*")), several.out());
        assertTrue(several.out().lines().anyMatch(l -> l.contains("broken.onnx") && l.contains("NOT Wav2Lip-compatible")
                && l.contains("[B,1,80,16]")), several.out());
        assertTrue(several.out().contains("Several models: lipdrop.model=auto runs none of them"), several.out());
        assertTrue(ModelLocator.locate("auto", models).name().startsWith(DefaultModelGenerator.FILE_NAME), "the service agrees");

        Result named = model(Map.of("LIPDROP_MODEL", "wav2lip_gan.onnx"), "list");
        assertTrue(named.out().lines().anyMatch(l -> l.startsWith("* wav2lip_gan.onnx")), named.out());
        assertTrue(named.out().contains("* = the model lipdrop.model names"), named.out());
    }

    /** The real script: dispatch, exit codes and output as an operator sees them. */
    @Test
    void throughBinLipdrop() throws Exception {
        Path src = file("wav2lip_gan.onnx", WAV2LIP);
        String url = serve("wav2lip_gan.onnx", WAV2LIP) + "wav2lip_gan.onnx";

        Result noHash = lipdrop("model", "add", url);
        assertEquals(2, noHash.code(), noHash.out());
        assertTrue(noHash.out().contains("without --sha256"), noHash.out());
        assertEquals(0, requests.get());

        Result added = lipdrop("model", "add", src.toString());
        assertEquals(0, added.code(), added.out());
        assertTrue(added.out().contains("installed models/wav2lip_gan.onnx"), added.out());
        assertArrayEquals(WAV2LIP, Files.readAllBytes(models.resolve("wav2lip_gan.onnx")));

        Result again = lipdrop("model", "add", url, "--sha256", WAV2LIP_SHA);
        assertEquals(0, again.code(), again.out());
        assertTrue(again.out().contains("already installed"), again.out());

        Result list = lipdrop("model", "list");
        assertEquals(0, list.code(), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("* wav2lip_gan.onnx") && l.contains(WAV2LIP_SHA)), list.out());

        Result usage = lipdrop("model");
        assertEquals(2, usage.code(), usage.out());
        assertTrue(usage.out().contains("lipdrop model add FILE|URL"), usage.out());
    }

    Result lipdrop(String... args) throws IOException, InterruptedException {
        Path app = Path.of(System.getProperty("lipdrop.app", "."));
        List<String> cmd = new ArrayList<>(List.of("bash", app.resolve("bin/lipdrop").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("LIPDROP_HOME", home.toString());
        env.put("LIPDROP_CLASSPATH", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        env.put("JAVA_OPTS", "-Xmx512m -Dlog4j2.configurationFile=log4j2.xml");
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, "");
    }
}
