package io.lipdrop;

import io.lipdrop.jobs.JobCaptions;
import io.lipdrop.lipsync.asr.LanguageModels;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.testing.CapturedLog;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.VoskModelZips;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lipdrop model add|list|remove --language} on a real Vosk model (a copy of English's, the only one on Maven, zipped
 * as alphacephei publishes models) and what a start makes of the installed folder, damaged or not.
 */
class LanguageModelCommandTest {
    @TempDir Path tmp;
    Path home;
    Path asr;

    record Result(int code, String out, String err) {}

    @BeforeEach
    void setUp() throws IOException {
        home = tmp.resolve("home");
        asr = home.resolve("models/asr");
        Files.createDirectories(home);
    }

    Settings settings() {
        return Settings.load(Map.of("LIPDROP_HOME", home.toString()), new Properties());
    }

    Result model(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("model"));
        all.addAll(List.of(args));
        int code = ModelCommand.run(settings(), all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What models/asr holds besides English's: no language folder and no leftover. */
    List<String> asrFolder() throws IOException {
        if (!Files.isDirectory(asr)) return List.of();
        try (Stream<Path> s = Files.list(asr)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aVoskZipIsCheckedLoadedInstalledListedVerifiedAtStartAndRemoved() throws Exception {
        Path zip = VoskModelZips.englishAs(tmp.resolve("dl/vosk-model-small-xx-0.1.zip"), "vosk-model-small-xx-0.1");
        Result r = model("add", "--language", "xx", zip.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("installed " + asr.resolve("xx")) && r.out().contains("recognised a second of silence"), r.out());
        assertTrue(r.out().contains("language: xx") && r.out().contains("alphacephei.com/vosk/models"), r.out());
        assertEquals(List.of("xx"), asrFolder(), "one folder, by one rename: no part left beside it");
        assertTrue(Files.isRegularFile(asr.resolve("xx/am/final.mdl")), "the zip's top folder is the model");
        Properties manifest = new Properties();
        try (var in = Files.newBufferedReader(asr.resolve("xx").resolve(LanguageModels.MANIFEST))) {
            manifest.load(in);
        }
        // the model's files are English's: the manifest's hash is over them alone, as English's pinned one is
        assertEquals(ModelArchive.VOSK_EN.treeSha256(), manifest.getProperty("sha256"));
        assertEquals(zip.toAbsolutePath().toString(), manifest.getProperty("source"));
        assertTrue(manifest.getProperty("installed").matches("\\d{4}-.*Z"), manifest.toString());

        Result again = model("add", "--language", "xx", zip.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already holds this model; nothing to do"), again.out());

        Result list = model("list");
        String xx = list.out().lines().filter(l -> l.startsWith("  xx ")).findFirst().orElseThrow(() -> new AssertionError(list.out()));
        assertTrue(xx.contains("sha256 " + ModelArchive.VOSK_EN.treeSha256()) && xx.contains("MiB") && xx.contains("from " + zip.toAbsolutePath()), xx);
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("  en ") && l.contains("fetched: " + ModelArchive.VOSK_EN)), list.out());

        // a start takes it: xx jobs are heard by vosk-xx, and their key names the language and the model
        try (CapturedLog log = new CapturedLog()) {
            JobCaptions captions = LipDropApplication.jobCaptions(settings());
            assertTrue(log.count("captions in xx: speech model") == 1, log.lines().toString());
            assertEquals("language=xx,speech=" + ModelArchive.VOSK_EN.treeSha256(), captions.identity("xx"));
            assertEquals("speech=" + ModelArchive.VOSK_EN.treeSha256() + ",phonemes=" + ModelArchive.PHONES_EN.treeSha256(),
                    captions.identity("en"), "English's part of the key is what it was before languages");
            assertEquals(captions.identity(), captions.identity("en"), "the node's language is en by default");
        }

        // damaged after it was installed: not used at the next start, said once, and in the job's report
        Files.writeString(asr.resolve("xx/conf/mfcc.conf"), "--use-energy=true\n", StandardOpenOption.APPEND);
        assertTrue(model("list").out().lines().anyMatch(l -> l.startsWith("  xx ") && l.contains("NOT USED") && l.contains("does not match")));
        try (CapturedLog log = new CapturedLog()) {
            JobCaptions captions = LipDropApplication.jobCaptions(settings());
            assertEquals(1, log.count("speech model for language xx not used"), log.lines().toString());
            assertEquals("language=xx,speech=none", captions.identity("xx"), "a result made without it is made again once it is fixed");
            Path speech = Fixtures.copy("speech_en_16k.wav", tmp.resolve("a"));
            JobCaptions.Pending p = captions.start(speech, "anna", null, "xx");
            assertTrue(p.timing().isEmpty() && p.words().isEmpty(), "nothing heard: the mouths follow the viseme model");
            JsonObject report = captions.write(p, tmp.resolve("out/anna.mp4"), "anna").report();
            assertEquals("xx", report.get("language"));
            assertTrue(String.valueOf(report.get("status")).startsWith("no usable speech model for language xx (")
                    && String.valueOf(report.get("status")).contains("bin/lipdrop model add --language xx"), report.toJson());
            captions.start(speech, "bob", null, "xx");
            assertEquals(0, log.count("no speech model for language xx"), "the start said it; jobs do not say it again");
        }

        Result removed = model("remove", "--language", "xx");
        assertEquals(0, removed.code(), removed.err());
        assertEquals(List.of(), asrFolder());
        assertEquals(1, model("remove", "--language", "xx").code(), "nothing to remove");
    }

    @Test
    void whatIsNotAVoskModelIsRefusedAndNothingIsLeft() throws Exception {
        Map<String, String> noModel = new LinkedHashMap<>();
        noModel.put("vosk-model-small-de-0.15/conf/mfcc.conf", "--use-energy=false\n");
        noModel.put("vosk-model-small-de-0.15/graph/HCLG.fst", "x");
        Result missing = model("add", "--language", "de", VoskModelZips.of(tmp.resolve("dl/nomodel.zip"), noModel).toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nothing was installed") && missing.err().contains("is not a Vosk model: it lacks am/final.mdl"),
                missing.err());

        Map<String, String> evil = new LinkedHashMap<>();
        evil.put("vosk-model-small-de-0.15/am/final.mdl", "x");
        evil.put("../evil", "pwned");
        Result escape = model("add", "--language", "de", VoskModelZips.of(tmp.resolve("dl/evil.zip"), evil).toString());
        assertEquals(1, escape.code());
        assertTrue(escape.err().contains("has an entry '../evil' that leads outside the model folder"), escape.err());
        assertEquals(List.of(), VoskModelZips.find(tmp, "evil"), "nothing was unpacked");

        Path folder = tmp.resolve("half-model");
        Files.createDirectories(folder.resolve("am"));
        Files.writeString(folder.resolve("am/final.mdl"), "x");
        Result half = model("add", "--language", "de", folder.toString());
        assertEquals(1, half.code());
        assertTrue(half.err().contains("lacks conf/mfcc.conf, graph/HCLG.fst (or graph/Gr.fst and graph/HCLr.fst)"), half.err());

        // the files are all there but Vosk cannot load them
        Files.createDirectories(folder.resolve("conf"));
        Files.createDirectories(folder.resolve("graph"));
        Files.writeString(folder.resolve("conf/mfcc.conf"), "--use-energy=false\n");
        Files.writeString(folder.resolve("graph/HCLG.fst"), "not an fst");
        Result broken = model("add", "--language", "de", folder.toString());
        assertEquals(1, broken.code());
        assertTrue(broken.err().contains("Vosk cannot load " + folder), broken.err());

        Result english = model("add", "--language", "en", folder.toString());
        assertEquals(1, english.code());
        assertTrue(english.err().contains("English's speech model is LipDrop's own"), english.err());
        assertThrows(IllegalArgumentException.class, () -> model("add", "--language", "German", folder.toString()));
        assertThrows(IllegalArgumentException.class, () -> model("add", "--language", "de"));

        assertEquals(List.of(), asrFolder(), "models/asr is as it was: no folder, no leftover");
    }
}
