package io.lipdrop;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command of bin/lipdrop answers --help with its usage (exit 0) and starts nothing; a wrong command line gets exit 2. */
class CommandHelpTest {
    /** The script's own commands (bin/lipdrop's case), each with the name its usage line gives it. */
    static final List<String> SCRIPT_COMMANDS = List.of("build", "start", "stop", "restart", "status", "logs", "demo", "run");

    @TempDir Path tmp;

    /** Every Java command and sub-command (model add, bench video, ...), in this JVM: quick, and none is left out. */
    @Test
    void everyJavaCommandAnswersHelpAndRefusesWhatItDoesNotKnow() throws IOException {
        Settings settings = Settings.load(Map.of("LIPDROP_HOME", tmp.toString()), new Properties());
        List<List<String>> paths = new ArrayList<>();
        collect(LipDrop.commandLine(settings), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 8 + 3 + 8, "the commands, model's and bench's: " + paths);
        for (List<String> path : paths) {
            for (String help : List.of("--help", "-h")) {
                Run r = execute(settings, path, help);
                assertEquals(0, r.code, path + " " + help + ": " + r.err);
                assertTrue(r.out.startsWith("usage: bin/lipdrop " + String.join(" ", path)), path + " " + help + ":\n" + r.out);
                assertTrue(r.out.contains("-h, --help"), r.out);
                assertEquals("", r.err, path + " " + help);
            }
            Run wrong = execute(settings, path, "--no-such-option");
            assertEquals(2, wrong.code, path + ": " + wrong.out + wrong.err);
            // what is wrong (the unknown option, or a required one missing first), then the usage
            assertTrue(wrong.err.startsWith("lipdrop " + String.join(" ", path) + ": ")
                    && wrong.err.contains("\nusage: bin/lipdrop " + String.join(" ", path)), path + ":\n" + wrong.err);
            assertEquals("", wrong.out, path + " --no-such-option");
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            assertEquals(List.of(tmp), files.toList(), "nothing was made in the home for --help or a wrong command line");
        }
    }

    /** The real bin/lipdrop: the script's commands and the Java ones (a JVM each, on the tests' classpath). */
    @Test
    void everyCommandOfTheScriptAnswersHelpWithoutStartingAnything() throws Exception {
        Path home = tmp.resolve("home");
        LipDropScript lipdrop = new LipDropScript(home, FreePorts.next());
        Set<String> java = javaCommandsOfTheScript();
        Set<String> expected = new TreeSet<>(LipDrop.commandLine(Settings.load(Map.of("LIPDROP_HOME", home.toString()), new Properties()))
                .getSubcommands().keySet());
        expected.remove("run"); // the script runs the service itself (and writes the PID file first)
        assertEquals(expected, java, "bin/lipdrop hands every Java command to Java");

        List<String> all = new ArrayList<>(SCRIPT_COMMANDS);
        all.addAll(java);
        for (String command : all) {
            LipDropScript.Result r = lipdrop.run(command, "--help");
            assertEquals(0, r.code(), command + " --help:\n" + r.out());
            Pattern usage = Pattern.compile("(?m)^usage: bin/lipdrop (\\S+\\|)*" + Pattern.quote(command) + "(\\|\\S+)*( |$)");
            assertTrue(usage.matcher(r.out()).find(), command + " --help:\n" + r.out());
            assertFalse(Files.exists(lipdrop.pidFile()), command + " --help wrote a PID file");
            assertFalse(Files.exists(home.resolve("data/health.url")), command + " --help started the service");
            assertEquals(-1, lipdrop.status("/observe/health"), command + " --help started the service");
            try (Stream<Path> files = Files.walk(home)) {
                // the script's @argfile for the tests' classpath is all there is
                assertEquals(List.of(), files.filter(Files::isRegularFile).map(home::relativize).map(Path::toString)
                        .filter(f -> !f.equals("data/jvm.args")).toList(), command + " --help");
            }
        }

        LipDropScript.Result help = lipdrop.run("help");
        assertEquals(0, help.code(), help.out());
        for (String command : all) assertTrue(help.out().contains("bin/lipdrop " + command) || help.out().contains("|" + command), command);
        assertEquals(0, lipdrop.run("--help").code());

        LipDropScript.Result extra = lipdrop.run("status", "now");
        assertEquals(2, extra.code(), extra.out());
        assertTrue(extra.out().contains("lipdrop status: unexpected argument now") && extra.out().contains("usage: bin/lipdrop status"), extra.out());
        LipDropScript.Result wrong = lipdrop.run("sync", "--audio");
        assertEquals(2, wrong.code(), wrong.out());
        assertTrue(wrong.out().contains("lipdrop sync: Missing required parameter for option '--audio'")
                && wrong.out().contains("usage: bin/lipdrop sync"), wrong.out());
        LipDropScript.Result unknown = lipdrop.run("frobnicate");
        assertEquals(2, unknown.code(), unknown.out());
        assertTrue(unknown.out().contains("unknown command 'frobnicate'"), unknown.out());
        assertFalse(Files.exists(lipdrop.pidFile()));
    }

    record Run(int code, String out, String err) {}

    static Run execute(Settings settings, List<String> path, String option) {
        CommandLine cl = LipDrop.commandLine(settings);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(path);
        args.add(option);
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            into.add(p);
            collect(sub, p, into);
        });
    }

    /** The commands bin/lipdrop hands to the JVM ("sync|mel|...) ensure_built; java_command ..."). */
    static Set<String> javaCommandsOfTheScript() throws IOException {
        String script = Files.readString(Path.of(System.getProperty("lipdrop.app", ".")).resolve("bin/lipdrop"));
        Matcher m = Pattern.compile("(?m)^\\s+([a-z|]+)\\) ensure_built; java_command").matcher(script);
        assertTrue(m.find(), "bin/lipdrop's dispatch to Java");
        return new TreeSet<>(List.of(m.group(1).split("\\|")));
    }
}
