package io.lipdrop;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Entry point behind {@code bin/lipdrop}. */
public final class LipDrop {
    private LipDrop() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        Settings settings = Settings.load();
        System.setProperty("lipdrop.home", settings.home().toString()); // for the log file's location
        int code;
        try {
            code = switch (command) {
                case "run" -> { LipDropApplication.run(settings); yield 0; }
                case "sync" -> SyncCommand.run(settings, options(args));
                case "mel" -> args.length == 2 ? MelCommand.run(Path.of(args[1])) : usage();
                case "redo" -> args.length == 2 ? RedoCommand.run(settings, args[1]) : usage();
                case "jobs" -> args.length == 1 || args.length == 3 && args[1].equals("--status")
                        ? JobsCommand.run(settings, args.length == 3 ? args[2] : null, System.out, System.err) : usage();
                case "bench" -> io.lipdrop.bench.BenchCommand.run(settings, args);
                case "housekeeping" -> HousekeepingCommand.run(settings, args.length > 1 && args[1].equals("--dry-run"));
                case "model" -> ModelCommand.run(settings, args);
                default -> usage();
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("lipdrop " + command + ": " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("unexpected argument " + args[i]);
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static int usage() {
        System.err.println("""
                usage: lipdrop run                                   run the folder pipeline in the foreground
                       lipdrop sync --audio A --video V --out O.mp4 [--model M.onnx] [--provider auto|cuda|cpu]
                       lipdrop mel AUDIO                             Wav2Lip mel features as CSV on stdout
                       lipdrop redo OUTPUT|KEY                       reopen a finished job so a re-drop redoes it
                       lipdrop jobs [--status S]                     the jobs (queued, running, done, failed, quarantined)
                       lipdrop housekeeping [--dry-run]              one upkeep pass now (purge, compress logs)
                       lipdrop model add FILE|URL [--sha256 HEX] [--name NAME.onnx] [--force]
                                                                     check a Wav2Lip ONNX model and install it into models/
                       lipdrop model add --language LANG FOLDER|ZIP [--force]
                                                                     check a Vosk speech model and install it into models/asr/LANG
                       lipdrop model remove --language LANG          remove a language's speech model
                       lipdrop model list                            the models in models/, which one is used, the speech models""");
        return 2;
    }
}
