package io.drydock.cli;

import io.drydock.DrydockException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

@Command(name = "drydock", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Keeps the container images of a Kubernetes fleet free of known vulnerabilities.",
        subcommands = {InspectCommand.class, PullCommand.class, FilesCommand.class, SbomCommand.class, ScanCommand.class, FreshnessCommand.class, PolicyCommand.class, BasesCommand.class, DbCommand.class, CacheCommand.class, DemoCommand.class, TrainCommand.class, ValidateCommand.class, SignCommands.Sign.class, SignCommands.Attest.class, SignCommands.Verify.class, KeyCommand.class, AdmissionCommand.class, RebaseCommand.class, LineageCommand.class, GraphCommand.class, HistoryCommand.class, WatchCommand.class, ApproveCommand.class, RefreshCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 2 usage error, 3 error (the message names the input);",
                "scan: N from --exit-code when findings remain after its gates."})
public final class Main implements Runnable {
    public static final int EXIT_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        addHelpOption(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("drydock: error: " + message(ex));
            if (System.getenv("DRYDOCK_DEBUG") != null) ex.printStackTrace(line.getErr());
            line.getErr().flush();
            return EXIT_ERROR;
        });
        return cli.execute(args);
    }

    /**
     * {@code -h, --help} on every command below the top one, so that {@code drydock scan --help} prints the usage
     * (picocli's standard mixin would add {@code --version} as well, which only the top command can answer).
     */
    static void addHelpOption(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            addHelpOption(sub);
        }
    }

    static String message(Throwable ex) {
        if (ex instanceof DrydockException) return ex.getMessage();
        if (ex.getCause() instanceof DrydockException d) return d.getMessage();
        return ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (unexpected; set DRYDOCK_DEBUG=1 for the stack trace)";
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"drydock " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
