package io.lipdrop;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Entry point behind {@code bin/lipdrop}: its Java sub-commands, parsed by picocli. Every command (and every
 * sub-command of {@code model} and {@code bench}) answers {@code -h}/{@code --help} with its usage (exit 0); a wrong
 * command line gets what is wrong plus the usage (exit 2), as does an {@link IllegalArgumentException} or
 * {@link IllegalStateException} from a command (its message, exit 2). The script's own commands (start, stop, status,
 * ...) are bin/lipdrop's.
 */
@Command(name = "bin/lipdrop", description = "LipDrop's Java commands (bin/lipdrop help lists the script's own commands too).")
public final class LipDrop {
    private LipDrop() {}

    public static void main(String[] args) {
        Settings settings = Settings.load();
        System.setProperty("lipdrop.home", settings.home().toString()); // for the log file's location
        System.exit(execute(settings, args));
    }

    /** {@code lipdrop ARGS} without exiting: the exit code. */
    static int execute(Settings settings, String... args) {
        return commandLine(settings).execute(args);
    }

    /** Every Java sub-command of bin/lipdrop, on {@code settings}. */
    static CommandLine commandLine(Settings settings) {
        CommandLine cl = new CommandLine(new LipDrop())
                .addSubcommand(new Run(settings))
                .addSubcommand(new SyncCommand(settings))
                .addSubcommand(new MelCommand())
                .addSubcommand(new RedoCommand(settings))
                .addSubcommand(new JobsCommand(settings))
                .addSubcommand(new HousekeepingCommand(settings))
                .addSubcommand(new io.lipdrop.bench.BenchCommand(settings))
                .addSubcommand(new ModelCommand(settings, System.out, System.err));
        return configure(cl);
    }

    /** The conventions every command shares: -h/--help, the error handling, plain text, arguments as given. */
    static CommandLine configure(CommandLine cl) {
        addHelp(cl);
        return cl.setExpandAtFiles(false)              // an argument starting with @ is a file name, not an argument file
                .setOverwrittenOptionsAllowed(true)    // an option given twice: the last one counts
                .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .setUsageHelpWidth(100)
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine c = e.getCommandLine();
                    PrintWriter err = c.getErr();
                    err.println(name(c) + ": " + e.getMessage());
                    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
                    c.usage(err);
                    return 2;
                })
                .setExecutionExceptionHandler((e, c, parsed) -> {
                    if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException)) throw e;
                    c.getErr().println(name(c) + ": " + e.getMessage());
                    return 2;
                });
    }

    /** "lipdrop model add", as errors have always been prefixed (the usage says bin/lipdrop, as the script's own commands do) */
    private static String name(CommandLine c) {
        return c.getCommandSpec().qualifiedName().replaceFirst("^bin/", "");
    }

    private static void addHelp(CommandLine cl) {
        // "usage: " as bin/lipdrop's own commands say it; the options in the order declared, -h/--help last
        cl.getCommandSpec().usageMessage().synopsisHeading("usage: ").sortOptions(false).sortSynopsis(false);
        cl.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("print this usage and exit").build());
        cl.getSubcommands().values().forEach(LipDrop::addHelp);
    }

    @Command(name = "run", description = "run the folder pipeline in the foreground (bin/lipdrop run writes the PID file)")
    static final class Run implements Callable<Integer> {
        private final Settings settings;

        Run(Settings settings) {
            this.settings = settings;
        }

        @Override
        public Integer call() throws Exception {
            LipDropApplication.run(settings);
            return 0;
        }
    }
}
