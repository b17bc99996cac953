package io.lipdrop;

import io.lipdrop.lipsync.asr.LanguageModels;
import io.lipdrop.lipsync.asr.ModelArchive;
import io.lipdrop.lipsync.asr.SpeechModel;
import io.lipdrop.lipsync.asr.SpeechModelStore;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.models.ByteSize;
import io.lipdrop.models.InstalledModels;
import io.lipdrop.models.ModelInstaller;
import io.lipdrop.models.ModelInstaller.Installed;
import io.lipdrop.lipsync.ModelRefusedException;
import io.lipdrop.models.ModelSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lipdrop model add FILE|URL [--sha256 HEX] [--name NAME] [--force]}: installs a Wav2Lip-compatible ONNX model
 * into models/ (downloads must name their SHA-256; every model is loaded and checked first), then says how it gets
 * selected. {@code lipdrop model list}: the models there, and which one LipDrop would use, and the speech models.
 * {@code lipdrop model add --language LANG FOLDER|ZIP [--force]}: a Vosk speech model for another language, into
 * models/asr/LANG ({@link LanguageModels}); {@code lipdrop model remove --language LANG} removes one.
 * Exit codes: 0 installed or already there, 1 refused or failed (nothing changed), 2 wrong usage.
 */
@Command(name = "model", description = "install, list and remove the Wav2Lip models and the speech models in models/",
        customSynopsis = {
                "bin/lipdrop model add FILE|URL [--sha256 HEX] [--name NAME.onnx] [--force]",
                "       bin/lipdrop model add --language LANG FOLDER|ZIP [--force]",
                "       bin/lipdrop model remove --language LANG",
                "       bin/lipdrop model list"},
        subcommands = {ModelCommand.Add.class, ModelCommand.Remove.class, ModelCommand.ListModels.class})
final class ModelCommand {
    static final String USAGE = "usage: lipdrop model add FILE|URL [--sha256 HEX] [--name NAME.onnx] [--force] | lipdrop model list"
            + " | lipdrop model add --language LANG FOLDER|ZIP [--force] | lipdrop model remove --language LANG";

    private final Settings settings;
    private final PrintStream out;
    private final PrintStream err;

    ModelCommand(Settings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /**
     * {@code args} as given to {@code lipdrop}: "model", "add", ...; a wrong command line, or options the command
     * refuses, throw {@link IllegalArgumentException} (which bin/lipdrop reports with exit code 2).
     */
    static int run(Settings s, String[] args, PrintStream out, PrintStream err) throws IOException {
        CommandLine cl = LipDrop.configure(new CommandLine(new ModelCommand(s, out, err)));
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "; " + USAGE, e);
        }
        if (CommandLine.printHelpIfRequested(parsed)) return 0;
        while (parsed.hasSubcommand()) parsed = parsed.subcommand();
        if (!(parsed.commandSpec().userObject() instanceof Callable<?> command)) throw new IllegalArgumentException(USAGE);
        try {
            return (Integer) command.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(name = "add", description = "check a Wav2Lip ONNX model (FILE or URL) and install it into models/, or with --language"
            + " a Vosk speech model (FOLDER or alphacephei's ZIP) into models/asr/LANG",
            customSynopsis = {
                    "bin/lipdrop model add FILE|URL [--sha256 HEX] [--name NAME.onnx] [--force]",
                    "       bin/lipdrop model add --language LANG FOLDER|ZIP [--force]"})
    static final class Add implements Callable<Integer> {
        @ParentCommand ModelCommand model;

        @Parameters(arity = "0..1", paramLabel = "FILE|URL|FOLDER|ZIP", description = "the model: a file or an http(s) URL; with"
                + " --language a Vosk model's folder or zip")
        String what;
        @Option(names = "--sha256", paramLabel = "HEX", description = "the SHA-256 its publisher lists (needed for a URL)")
        String sha256;
        @Option(names = "--name", paramLabel = "NAME.onnx", description = "its file name in models/ (default: the source's name)")
        String name;
        @Option(names = "--language", paramLabel = "LANG", description = "a speech model for the jobs in LANG (`language: LANG`)")
        String language;
        @Option(names = "--force", description = "replace a different model of the same name")
        boolean force;

        @Override
        public Integer call() throws IOException {
            if (language != null) {
                if (sha256 != null || name != null) {
                    throw new IllegalArgumentException("unexpected argument " + (sha256 != null ? "--sha256" : "--name")
                            + " (a speech model is a folder, not one file); " + USAGE);
                }
                return addLanguage(model.settings, LanguageOptions.of(language, what, force, true), model.out, model.err);
            }
            return add(model.settings, AddOptions.of(what, name, sha256, force), model.out, model.err);
        }
    }

    @Command(name = "remove", description = "remove a language's speech model from models/asr/LANG",
            customSynopsis = "bin/lipdrop model remove --language LANG")
    static final class Remove implements Callable<Integer> {
        @ParentCommand ModelCommand model;

        @Option(names = "--language", required = true, paramLabel = "LANG", description = "the language whose speech model goes")
        String language;

        @Override
        public Integer call() throws IOException {
            return removeLanguage(model.settings, LanguageOptions.of(language, null, false, false), model.out, model.err);
        }
    }

    @Command(name = "list", description = "the models in models/: size, SHA-256, interface, which one is used; the speech models",
            customSynopsis = "bin/lipdrop model list")
    static final class ListModels implements Callable<Integer> {
        @ParentCommand ModelCommand model;

        @Override
        public Integer call() {
            return list(model.settings, model.out);
        }
    }

    record AddOptions(ModelSource source, String name, String sha256, boolean force) {
        static AddOptions of(String what, String name, String sha, boolean force) {
            if (what == null) throw new IllegalArgumentException("which model? " + USAGE);
            if (sha != null && !sha.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("--sha256 takes the 64 hex digits of a SHA-256 (as sha256sum prints them), not '" + sha + "'");
            }
            ModelSource source = ModelSource.parse(what);
            if (source instanceof ModelSource.Download d && sha == null) {
                throw new IllegalArgumentException("refusing to download " + d.describe() + " without --sha256: an unverified download "
                        + "(truncated, damaged, or replaced on the server or on the way) would be run on every video LipDrop makes. "
                        + "Give the SHA-256 its publisher lists: lipdrop model add URL --sha256 HEX (or download it yourself, check it, "
                        + "and add the file)");
            }
            String fileName = name != null ? name : source.suggestedName();
            ModelInstaller.checkName(fileName);
            return new AddOptions(source, fileName, sha == null ? null : sha.toLowerCase(Locale.ROOT), force);
        }
    }

    /** {@code add --language LANG FOLDER|ZIP [--force]} and {@code remove --language LANG}: a Vosk speech model. */
    record LanguageOptions(String language, Path source, boolean force) {
        static LanguageOptions of(String language, String what, boolean force, boolean add) {
            if (language == null) throw new IllegalArgumentException("which language? " + USAGE);
            if (!LanguageModels.isCode(language)) throw new IllegalArgumentException("--language '" + language + "' is not " + LanguageModels.RULE);
            if (add && what == null) {
                throw new IllegalArgumentException("which model? lipdrop model add --language " + language + " FOLDER|ZIP (a Vosk model from "
                        + LanguageModels.WHERE + ")");
            }
            return new LanguageOptions(language, what == null ? null : Path.of(what), force);
        }
    }

    private static int addLanguage(Settings s, LanguageOptions o, PrintStream out, PrintStream err) throws IOException {
        LanguageModels.Result done = installing(err, () -> new LanguageModels(s.folder("models")).install(o.language(), o.source(), o.force(), out::println));
        if (done == null) return 1;
        LanguageModels.Installed m = done.model();
        String what = switch (done.outcome()) {
            case ALREADY_INSTALLED -> m.dir() + " already holds this model; nothing to do";
            case REPLACED -> "replaced the speech model in " + m.dir();
            case INSTALLED -> "installed " + m.dir();
        };
        out.printf("%s (%s, sha256 %s): Vosk loaded it and recognised a second of silence%n", what, ByteSize.format(m.bytes()), m.sha256());
        out.println("Jobs whose settings say `language: " + o.language() + "` (or all jobs, with lipdrop.captions.language=" + o.language()
                + ") get captions from it" + (o.language().equals(SpeechModelStore.LANGUAGE) ? "" : "; their mouths follow the viseme model"
                + " (phonemes are placed for English only)") + ". Check the model's licence where you got it (" + LanguageModels.WHERE + ").");
        out.println("LipDrop reads its speech models when it starts: " + runningPid(s.home())
                .map(p -> "LipDrop is running on " + s.home() + " (pid " + p + "): bin/lipdrop restart to use it.")
                .orElse("the next bin/lipdrop run uses it."));
        return 0;
    }

    private static int removeLanguage(Settings s, LanguageOptions o, PrintStream out, PrintStream err) throws IOException {
        LanguageModels models = new LanguageModels(s.folder("models"));
        if (!models.remove(o.language())) {
            err.println("lipdrop model remove: no speech model for " + o.language() + " in " + models.folder(o.language()));
            return 1;
        }
        out.println("removed " + models.folder(o.language()) + (o.language().equals(SpeechModelStore.LANGUAGE)
                ? ": the next start takes English's model from the installation's models/ or fetches it again" : ": jobs in " + o.language() + " get no captions from the next start")
                + " (a running LipDrop keeps the model it loaded until it is restarted)");
        return 0;
    }

    /** An installation that may be refused or fail: what it installed, or null after saying on {@code err} why nothing was. */
    private interface Installation<T> {
        T run() throws IOException, ModelRefusedException;
    }

    private static <T> T installing(PrintStream err, Installation<T> installation) {
        try {
            return installation.run();
        } catch (ModelRefusedException e) {
            err.println("lipdrop model add: nothing was installed: " + e.getMessage());
        } catch (IOException e) {
            err.println("lipdrop model add: nothing was installed: " + describe(e));
        }
        return null;
    }

    private static int add(Settings s, AddOptions o, PrintStream out, PrintStream err) throws IOException {
        Path models = s.folder("models");
        if (o.source() instanceof ModelSource.Download d) {
            out.println("downloading " + d.describe() + (d.plainHttp()
                    ? " over plain http (not encrypted: fine for a local mirror; the SHA-256 check is what vouches for the bytes)" : ""));
        }
        Installed done = installing(err, () -> new ModelInstaller(models, err).install(o.source(), o.name(), o.sha256(), o.force()));
        if (done == null) return 1;
        String shown = done.file().startsWith(s.home()) ? s.home().relativize(done.file()).toString() : done.file().toString();
        if (o.sha256() != null) out.println("SHA-256 verified: " + done.sha256());
        String what = switch (done.outcome()) {
            case ALREADY_INSTALLED -> shown + " is already installed with the same content; nothing to do";
            case REPLACED -> "replaced " + shown;
            case INSTALLED -> "installed " + shown;
        };
        out.printf("%s (%s, sha256 %s): Wav2Lip interface, %s (%s)%n", what, ByteSize.format(done.size()), done.sha256(),
                done.contract().summary(), done.contract().tensors());
        howToSelect(s, done.file().getFileName().toString(), out);
        return 0;
    }

    /** How the model gets used, from the current setting and what else models/ holds (ModelLocator's rule). */
    private static void howToSelect(Settings s, String name, PrintStream out) {
        InstalledModels installed = new InstalledModels(s.folder("models"));
        String setting = s.get("lipdrop.model");
        List<String> others = installed.nonDefault().stream().filter(n -> !n.equals(name)).toList();
        String choose = "LIPDROP_MODEL=" + name + " bin/lipdrop run (or lipdrop.model=" + name + " in "
                + s.home().resolve("config/application.properties") + ")";
        if (!setting.equals("auto")) {
            out.println(setting.equals(name)
                    ? "lipdrop.model is set to " + name + ": LipDrop uses it."
                    : "lipdrop.model is set to " + setting + ", so LipDrop keeps using that; to use this one: " + choose);
        } else if (others.isEmpty()) {
            out.println("lipdrop.model=auto (the current setting) uses it: it is the only model in " + s.folder("models")
                    + " besides the default.");
        } else {
            out.println("lipdrop.model=auto (the current setting) will NOT use it: models/ also holds " + String.join(", ", others)
                    + ", and with several models auto runs none of them: from the next start LipDrop uses its built-in default"
                    + " (with a warning), not " + (others.size() == 1 ? "that one" : "those") + " either. Select it with "
                    + choose + ", or remove the others.");
        }
        // LipDropApplication.run locates the model once, at start-up; nothing watches models/ afterwards.
        Optional<Long> pid = runningPid(s.home());
        out.println(pid.map(p -> "LipDrop is running on " + s.home() + " (pid " + p + ") with the model it loaded when it started: "
                        + "bin/lipdrop restart to switch (jobs in flight finish first).")
                .orElse("LipDrop reads its model when it starts: a running LipDrop keeps its model until it is restarted "
                        + "(bin/lipdrop restart)."));
        out.println("Job keys include the model's SHA-256: after a switch, inputs made with the old model are made again when "
                + "dropped again. Try it on one clip: bin/lipdrop sync --audio A --video V --out O.mp4 --model "
                + s.folder("models").resolve(name));
    }

    /** "connection refused (ConnectException)", "/srv/lipdrop/models: AccessDeniedException" */
    private static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage() + " (" + e.getClass().getSimpleName() + ")";
    }

    private static Optional<Long> runningPid(Path home) {
        try {
            long pid = Long.parseLong(Files.readString(home.resolve("lipdrop.pid")).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains("lipdrop")).orElse(true))
                    .map(p -> pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The speech models: English's fetched one and each installed language, verified as at start. */
    private static void listSpeech(Settings s, PrintStream out) {
        Path models = s.folder("models");
        LanguageModels languages = new LanguageModels(models);
        out.println("speech models in " + models.resolve("asr") + " (lipdrop.captions.language=" + s.get("lipdrop.captions.language") + "):");
        SpeechModel en = SpeechModelStore.from(models, s.get("lipdrop.maven.repository")).ensure(false);
        if (en.available()) {
            Path dir = en.dir().orElseThrow();
            out.printf("  %-6s %10s  sha256 %s  fetched: %s (%s), with phonemes for the mouths%n", SpeechModelStore.LANGUAGE,
                    ByteSize.format(size(dir)), ModelArchive.VOSK_EN.treeSha256(), ModelArchive.VOSK_EN, ModelArchive.VOSK_EN.licence());
        } else {
            out.printf("  %-6s not there: fetched at the next start (%s)%n", SpeechModelStore.LANGUAGE, ModelArchive.VOSK_EN);
        }
        for (LanguageModels.Installed l : languages.installed()) {
            out.printf("  %-6s %10s  sha256 %s  %s%n", l.language(), ByteSize.format(l.bytes()), l.sha256() == null ? "-" : l.sha256(),
                    l.verified() ? "installed " + l.installed() + " from " + l.source() : "NOT USED: " + l.problem());
        }
        out.println("Add a language: bin/lipdrop model add --language LANG FOLDER|ZIP (Vosk models: " + LanguageModels.WHERE + ")");
        for (Path leftover : languages.leftovers()) {
            out.println("leftover of an interrupted 'model add' or 'model remove' (never used; delete it unless one is running): " + leftover);
        }
    }

    private static long size(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static int list(Settings s, PrintStream out) {
        Path models = s.folder("models");
        InstalledModels installed = new InstalledModels(models);
        String setting = s.get("lipdrop.model");
        Optional<String> auto = installed.autoChoice();
        List<InstalledModels.Entry> entries = installed.entries();
        out.println("models in " + models + " (lipdrop.model=" + setting + "):");
        int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(10);
        for (InstalledModels.Entry e : entries) {
            boolean used = setting.equals("auto") ? auto.filter(e.name()::equals).isPresent() : setting.equals(e.name());
            String notes = (e.contract() != null ? e.contract().summary() : "NOT Wav2Lip-compatible: " + e.problem())
                    + (e.isDefault() ? " (LipDrop's baseline, not a neural model)" : "");
            out.printf("%s %-" + width + "s %10s  sha256 %s  %s%n", used ? "*" : " ", e.name(), ByteSize.format(e.size()), e.sha256(), notes);
        }
        List<String> neural = installed.nonDefault();
        if (!setting.equals("auto")) {
            out.println("* = the model lipdrop.model names: LipDrop runs " + setting + (entries.stream().anyMatch(e -> e.name().equals(setting))
                    ? "" : " (not in this folder)") + ".");
        } else if (auto.isPresent()) {
            out.println("* = what lipdrop.model=auto runs: the only model here besides " + DefaultModelGenerator.FILE_NAME + ".");
        } else if (neural.isEmpty()) {
            out.println("No neural model: lipdrop.model=auto uses LipDrop's built-in default. Add one: bin/lipdrop model add FILE|URL --sha256 HEX");
        } else {
            out.println("Several models: lipdrop.model=auto runs none of them and uses LipDrop's built-in default (with a warning)."
                    + " Select one: LIPDROP_MODEL=" + neural.get(0) + " bin/lipdrop run");
        }
        for (String leftover : installed.leftovers()) {
            out.println("leftover of an interrupted 'model add' (never used; delete it unless an add is running): " + models.resolve(leftover));
        }
        listSpeech(s, out);
        return 0;
    }
}
