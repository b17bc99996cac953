package io.lipdrop.intake;

import io.lipdrop.job.JobSettings;
import io.lipdrop.lipsync.face.FaceChoice;
import io.lipdrop.lipsync.face.Padding;
import io.lipdrop.notify.AllowedTargets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lipdrop.yaml as a user writes it: every key read, anything unknown or out of range refused by name. */
class JobSettingsFileTest {
    @TempDir Path dir;

    private JobSettings read(String yaml) throws Exception {
        return read(yaml, AllowedTargets.parse("hooks.example.org, 127.0.0.1", ""));
    }

    private JobSettings read(String yaml, AllowedTargets allowed) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/wav2lip_gan.onnx"), "not read here");
        Path f = Files.writeString(dir.resolve("lipdrop.yaml"), yaml);
        return new JobSettingsFile(dir.resolve("models"), allowed::allowsUrl).read(f, "promo/lipdrop.yaml");
    }

    /** Anyone who can drop a file writes notify-url: one outside lipdrop.notify.allow is a bad setting like any other. */
    @Test
    void aNotifyUrlOutsideTheAllowListIsRefusedWithTheReason() throws Exception {
        AllowedTargets operatorOnly = AllowedTargets.parse("", "http://127.0.0.1:8080/hook");
        JobSettingsFile.Problem p = assertThrows(JobSettingsFile.Problem.class,
                () -> read("notify-url: http://user:pw@127.0.0.1:9000/internal/admin?token=x\n", operatorOnly));
        assertEquals("promo/lipdrop.yaml: notify-url: 'http://127.0.0.1:9000/internal/admin (credentials and query not shown)' is not "
                + "allowed: its host 127.0.0.1 is not in lipdrop.notify.allow (nor lipdrop.notify.url's host and port)", p.getMessage());
        assertTrue(p.advice().contains("set lipdrop.notify.allow to allow it"), p.advice());
        assertThrows(JobSettingsFile.Problem.class, () -> read("notify-url: http://localhost:8080/hook\n", operatorOnly),
                "another name for the operator's host is not its origin");
        assertThrows(JobSettingsFile.Problem.class, () -> read("notify-url: https://hooks.example.org/x\n", AllowedTargets.parse("", "")));
        assertEquals("http://127.0.0.1:8080/other", read("notify-url: http://127.0.0.1:8080/other\n", operatorOnly).notifyUrl().orElseThrow(),
                "lipdrop.notify.url's own host and port are allowed");
        assertEquals("http://127.0.0.1:9000/x", read("notify-url: http://127.0.0.1:9000/x\n", AllowedTargets.parse("127.0.0.0/8", ""))
                .notifyUrl().orElseThrow());
        assertEquals("https://a.hooks.example.org/x", read("notify-url: https://a.hooks.example.org/x\n",
                AllowedTargets.parse(".hooks.example.org", "")).notifyUrl().orElseThrow());
    }

    private String refused(String yaml) {
        return assertThrows(JobSettingsFile.Problem.class, () -> read(yaml)).getMessage();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        JobSettings s = read("""
                model: wav2lip_gan.onnx
                pads: [0, 20, 5, 5]
                face-detector: haar
                face: left
                video-bitrate: 2.5M
                output: "{batch}-{name}-{date}"
                s3-prefix: clients/acme/
                notify-url: https://hooks.example.org/lipdrop?team=a
                """);
        assertEquals("wav2lip_gan.onnx", s.picture().model());
        assertEquals(new Padding(0, 20, 5, 5), s.picture().pads());
        assertEquals("haar", s.picture().detector());
        assertEquals(FaceChoice.LEFT, s.picture().face());
        assertEquals(2_500_000, s.picture().videoBitrate());
        assertEquals("promo-anna-2026-01-02", s.outputName("anna", "promo", "speech", LocalDate.of(2026, 1, 2)));
        assertEquals("clients/acme", s.s3Prefix().orElseThrow());
        assertEquals("https://hooks.example.org/lipdrop?team=a", s.notifyUrl().orElseThrow());
        assertEquals("0,20,5,5", s.asGiven().get("pads"));
        assertEquals("https://hooks.example.org/lipdrop (credentials and query not shown)", s.asGiven().get("notify-url"),
                "the report never shows a token in the callback URL");
        assertEquals("{date}-x-2026-01-02", read("output: \"{name}-x-{date}\"").outputName("{date}", "b", "a", LocalDate.of(2026, 1, 2)),
                "placeholders are filled in once");
    }

    @Test
    void settingsThatKeepThePictureLeaveThePictureOptionsAtTheirDefault() throws Exception {
        JobSettings s = read("s3-prefix: a/b\nnotify-url: http://127.0.0.1:9/x\noutput: final-{name}\n");
        assertTrue(s.picture().isDefault(), "the S3 prefix, callback and output name are not part of the job key");
        JobSettings empty = read("# nothing set\n");
        assertTrue(empty.picture().isDefault() && empty.isEmpty());
        assertEquals(new Padding(1, 2, 3, 4), read("pads: 1,2,3,4").picture().pads(), "padding given as text");
        assertTrue(empty.captions() && read("captions: on").captions(), "captions are on unless a drop says off");
        JobSettings off = read("captions: off\n");
        assertTrue(!off.captions() && off.picture().isDefault(), "captions: off is not part of the job key");
        assertEquals("off", off.asGiven().get("captions"), "the report shows it as given");
        assertTrue(!read("captions: false").captions(), "a YAML boolean is taken too");
        assertTrue(!off.captionsBurned() && !read("captions: on").captionsBurned() && !empty.captionsBurned(), "only burn burns");
    }

    @Test
    void captionsBurnAreWrittenAndDrawnIntoThePicture() throws Exception {
        JobSettings burn = read("captions: burn\n");
        assertTrue(burn.captions(), "burn implies on: the .srt and .vtt are written too");
        assertTrue(burn.captionsBurned(), "and drawn into the picture");
        assertTrue(burn.picture().burnCaptions() && !burn.picture().isDefault(), "burning changes the pixels: it is in the picture options");
        assertEquals("burn", burn.asGiven().get("captions"), "the report shows it as given");
        assertEquals("burn", burn.picture().describe().get("captions"));
        assertTrue(read("captions: BURN\n").captionsBurned(), "as on and off: any case");
        JobSettings both = read("face: left\ncaptions: burn\n");
        assertTrue(both.captionsBurned() && both.picture().face() == io.lipdrop.lipsync.face.FaceChoice.LEFT, "with other picture settings");
        assertEquals("promo/lipdrop.yaml: captions: 'burnt' is not allowed (allowed: on (the default: .srt and .vtt beside the video "
                + "where speech was recognised), off, or burn (as on, and the captions drawn into the picture too))", refused("captions: burnt"));
        assertTrue(refused("captions: [burn]").startsWith("promo/lipdrop.yaml: captions: '[burn]' is not allowed (allowed: on"));
    }

    /** The language picks the speech model; a code without an installed model is taken (the job says why it has no captions). */
    @Test
    void aLanguageIsAShortLowercaseCodeAndPartOfThePictureOptions() throws Exception {
        JobSettings de = read("language: de\n");
        assertEquals("de", de.language().orElseThrow());
        assertEquals("de", de.picture().language(), "carried to the job key with the picture options");
        assertTrue(!de.picture().isDefault() && de.picture().withLanguage(null).isDefault(), "it changes nothing else");
        assertEquals("de", de.asGiven().get("language"), "the report shows it");
        assertEquals("pt-br", read("language: pt-BR\n").language().orElseThrow(), "BCP 47 ignores case; folders are lowercase");
        assertEquals("zh", read("language: zh\n").language().orElseThrow());
        assertTrue(read("face: left\n").language().isEmpty(), "none given: the node's lipdrop.captions.language");
        for (String bad : List.of("german", "d", "de_DE", "../en", "en-", "true", "[de]")) {
            String m = refused("language: " + bad + "\n");
            assertTrue(m.startsWith("promo/lipdrop.yaml: language: '") && m.contains("is not allowed (allowed: a short lowercase language "
                    + "code: 2 or 3 letters (ISO 639, such as en, de, fr, zh)"), bad + ": " + m);
        }
    }

    @Test
    void unknownKeysAndBadValuesAreNamedWithWhatIsAllowed() throws Exception {
        assertEquals("promo/lipdrop.yaml: unknown key 'colour' (allowed: model, pads, face-detector, face, video-bitrate, output, "
                + "s3-prefix, notify-url, captions, language)", refused("face: left\ncolour: red\n"));
        assertEquals("promo/lipdrop.yaml: face: 'middle' is not allowed (allowed: largest, left, right, center)", refused("face: middle"));
        assertTrue(refused("pads: [0, 10, 0]").startsWith("promo/lipdrop.yaml: pads: '[0, 10, 0]' is not allowed (allowed: four numbers"));
        assertTrue(refused("pads: [0, -1, 0, 0]").contains("pads:"));
        assertTrue(refused("video-bitrate: 5G").contains("video-bitrate: '5G' is not allowed"));
        assertTrue(refused("video-bitrate: 10k").contains("video-bitrate"), "below 100k");
        assertTrue(refused("face-detector: /etc/passwd.xml").contains("face-detector: '/etc/passwd.xml' is not allowed (allowed: auto, mesh, haar, lbp)"));
        assertTrue(refused("model: ../secret.onnx").contains("model: '../secret.onnx' is not allowed"));
        assertTrue(refused("model: other.onnx").contains("model 'other.onnx' is not installed (installed: wav2lip_gan.onnx)"));
        assertTrue(refused("output: ../{name}").contains("output: '../{name}' is not allowed"));
        assertTrue(refused("output: a/{name}").contains("output: 'a/{name}'"));
        assertTrue(refused("output: \"{name}-{when}\"").contains("output: '{name}-{when}'"));
        assertTrue(refused("output: .hidden").contains("output"));
        assertTrue(refused("output: {name}").contains("output: a pattern that starts with { must be quoted"), "an unquoted { starts a YAML mapping");
        assertTrue(refused("output: {name}-final").contains("promo/lipdrop.yaml is not valid YAML"));
        assertTrue(refused("s3-prefix: /abs").contains("s3-prefix: '/abs'"));
        assertTrue(refused("s3-prefix: a/../b").contains("s3-prefix"));
        // bucket mode: a drop may not send its results into the bucket's inbox (they would come back as drops) or archive
        Path f = Files.writeString(dir.resolve("lipdrop.yaml"), "s3-prefix: inbox/more\n");
        JobSettingsFile bucketMode = new JobSettingsFile(null, url -> false, List.of("inbox", "archive"));
        JobSettingsFile.Problem p = assertThrows(JobSettingsFile.Problem.class, () -> bucketMode.read(f, "promo/lipdrop.yaml"));
        assertTrue(p.getMessage().contains("s3-prefix: 'inbox/more' is inside the bucket's inbox/"), p.getMessage());
        Files.writeString(f, "s3-prefix: archive\n");
        assertThrows(JobSettingsFile.Problem.class, () -> bucketMode.read(f, "promo/lipdrop.yaml"));
        Files.writeString(f, "s3-prefix: inboxes/acme\n");
        assertEquals("inboxes/acme", bucketMode.read(f, "promo/lipdrop.yaml").s3Prefix().orElseThrow(), "a prefix that only starts alike");
        assertTrue(refused("notify-url: ftp://x/y").contains("notify-url: 'ftp://x/y' is not allowed (allowed: an http:// or https:// URL)"));
        assertTrue(refused("face:\n").contains("face: '(empty)'"));
        assertTrue(refused("face: left\nface: right\n").contains("not valid YAML"), "a key given twice");
        assertTrue(refused("- face: left\n").contains("must hold `key: value` lines, not a list"));
        assertTrue(refused("face: [left\n").contains("promo/lipdrop.yaml is not valid YAML"));
    }

    @Test
    void aControlCharacterInAKeyIsShownEscaped() {
        assertTrue(refused("\"new\\nkey\": 1\n").contains("unknown key 'new\\nkey'"));
    }
}
