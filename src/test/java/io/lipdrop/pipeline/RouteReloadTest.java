package io.lipdrop.pipeline;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: editing routes/ while LipDrop runs, on a real `lipdrop run` whose installation folder is a copy
 * (its own routes/), so the test edits the copy and never the repository's routes.
 */
class RouteReloadTest {
    private static final String USER_STEP = "- log: \"user step ran for ${header.CamelFileName}\"";
    private static final String ERROR = "^\\[[^\\]]+\\] ERROR routes/intake\\.yaml line (\\d+): .+$";

    @TempDir Path tmp;
    String base;

    @Test
    void savingARouteFileReloadsItsRoutesAndABrokenFileLeavesTheRunningRoutesInPlace() throws Exception {
        Path repo = Path.of(System.getProperty("lipdrop.app", ".")).toAbsolutePath();
        Path app = tmp.resolve("app");
        Files.createDirectories(app.resolve("routes"));
        try (Stream<Path> files = Files.list(repo.resolve("routes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) Files.copy(f, app.resolve("routes").resolve(f.getFileName()));
        }
        if (Files.isDirectory(repo.resolve("models"))) Files.createSymbolicLink(app.resolve("models"), repo.resolve("models"));
        Path intake = app.resolve("routes/intake.yaml");
        String original = Files.readString(intake);
        String edited = withUserStep(original);
        int userStepLine = lineOf(edited, USER_STEP);

        Path media = tmp.resolve("media");
        Path photo = Fixtures.copy("face_astronaut.png", media);
        Path english = Fixtures.copy("speech_en_16k.wav", media);
        Path chinese = Fixtures.copy("speech_zh_16k.wav", media);

        int port = FreePorts.next();
        base = "http://127.0.0.1:" + port + "/observe/health";
        try (LipDropProcess lipdrop = new LipDropProcess(tmp.resolve("home"), "camel.management.port=" + port).app(app).start()) {
            awaitHealth(200, null, 60);

            // a new user's first edit: one log step at the top of intake's steps, saved as an editor does
            Files.writeString(intake, edited);
            lipdrop.waitForLog("routes/intake\\.yaml reloaded: routes intake \\(started\\)", 30);
            LipDropProcess.drop(english, lipdrop.inbox().resolve("one.wav"));
            LipDropProcess.drop(photo, lipdrop.inbox().resolve("one.png"));
            lipdrop.waitForLog("INFO  user step ran for one\\.(wav|png)$", 60);
            lipdrop.waitForLog("done one\\.png -> outbox/one\\.mp4", 120);
            assertTrue(Files.size(lipdrop.outbox().resolve("one.mp4")) > 0);
            assertEquals(0, lipdrop.count("duplicate route id"), lipdrop.log());

            // a YAML syntax mistake: one ERROR with the file and the line, the running routes stay
            Files.writeString(intake, edited.replace("${header.CamelFileName}\"", "${header.CamelFileName}"));
            lipdrop.waitForLog(ERROR, 1, 30);
            // an unknown step: the ERROR names the line of that step
            Files.writeString(intake, edited.replace(USER_STEP, USER_STEP.replace("- log:", "- lgo:")));
            lipdrop.waitForLog(ERROR, 2, 30);
            Thread.sleep(3000); // one save, one ERROR: nothing more comes for the same save
            List<String> errors = Pattern.compile(ERROR, Pattern.MULTILINE).matcher(lipdrop.log()).results().map(r -> r.group()).toList();
            assertEquals(2, errors.size(), lipdrop.log());
            assertTrue(errors.get(1).contains("line " + userStepLine + ": ") && errors.get(1).contains("lgo"), errors.get(1));
            assertEquals(2, lipdrop.count("^\\[[^\\]]+\\] ERROR "), "no other ERROR:\n" + lipdrop.log());
            assertEquals("UP", awaitHealth(200, null, 10).getString("status"));
            // ... and the next drop is still made, by the routes that ran before, user step included
            LipDropProcess.drop(chinese, lipdrop.inbox().resolve("two.wav"));
            LipDropProcess.drop(photo, lipdrop.inbox().resolve("two.png"));
            lipdrop.waitForLog("INFO  user step ran for two\\.(wav|png)$", 60);
            lipdrop.waitForLog("done two\\.png -> outbox/two\\.mp4", 120);

            // intake taken out of its file: health is DOWN and says which route is missing, and where it belongs
            Files.writeString(intake, "# intake switched off for now\n");
            lipdrop.waitForLog("routes/intake\\.yaml reloaded: no routes; removed intake", 30);
            JsonObject down = awaitHealth(503, "route 'intake' (routes/intake.yaml) is missing", 10);
            assertEquals("DOWN", down.getString("status"));

            // restored: reloaded, UP again, and drops are taken again
            Files.writeString(intake, edited);
            lipdrop.waitForLog("routes/intake\\.yaml reloaded: routes intake \\(started\\)", 2, 30);
            assertEquals("UP", awaitHealth(200, null, 10).getString("status"));
            LipDropProcess.drop(english, lipdrop.inbox().resolve("three.wav"));
            LipDropProcess.drop(photo, lipdrop.inbox().resolve("three.png"));
            lipdrop.waitForLog("INFO  user step ran for three\\.(wav|png)$", 60);
            lipdrop.waitForLog("three\\.png: same content as outbox/one\\.mp4 \\(job [0-9a-f]{8}\\), delivered as outbox/three\\.mp4 "
                    + "without recomputing", 60);
            assertEquals(0, lipdrop.count("Error reloading routes"), lipdrop.log());
        }
    }

    /** The user's step inserted as the first of intake's steps, indented like the step it goes before. */
    static String withUserStep(String yaml) {
        Matcher m = Pattern.compile("(?s)id: intake\\b.*?\\n\\s*steps:\\n( *)- ").matcher(yaml);
        assertTrue(m.find(), "no steps in intake:\n" + yaml);
        int at = m.start(1);
        return yaml.substring(0, at) + m.group(1) + USER_STEP + "\n" + yaml.substring(at);
    }

    static int lineOf(String text, String line) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().equals(line)) return i + 1;
        throw new AssertionError("no line " + line);
    }

    /** The health answer once it has the HTTP status (and, if given, a check whose message contains the text). */
    JsonObject awaitHealth(int status, String message, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String last = "";
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                JsonObject health = (JsonObject) Jsoner.deserialize(r.body());
                if (r.statusCode() == status && (message == null || hasMessage(health, message))) return health;
            } catch (IOException | RuntimeException e) {
                last = e.toString();
            }
            if (System.currentTimeMillis() > deadline) throw new AssertionError("health is not " + status + (message == null ? "" : " with '" + message + "'") + ": " + last);
            Thread.sleep(200);
        }
    }

    private static boolean hasMessage(JsonObject health, String message) {
        for (Object c : (JsonArray) health.get("checks")) {
            String m = ((JsonObject) c).getString("message");
            // Camel's /observe/health escapes a message (Jsoner.escape) before the JSON writer escapes it again:
            // decoded, a "/" reads "\/"
            if (m != null && m.replace("\\/", "/").contains(message)) return true;
        }
        return false;
    }
}
