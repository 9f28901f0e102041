package dev.bakery.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top command: only its subcommands do something. */
@Command(name = "bakery", mixinStandardHelpOptions = true, versionProvider = BakeryCommand.Version.class,
        description = "Builds container images for amd64 and arm64 natively with Kaniko on AWS Fargate (or the local mode).",
        footer = {"", "Exit codes: 0 success, 1 build failed or cancelled, 2 usage or config error, 3 API/AWS/network"
                + " error, 130/143 interrupted (SIGINT/SIGTERM).", "",
            "`bakery local ...` (the launcher script at the repository's root) starts the local mode."})
final class BakeryCommand implements Runnable {

    /** The subcommands, in the order help lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands(BuildCommand.class, ValidateCommand.class,
            StatusCommand.class, LogsCommand.class, CancelCommand.class, ListCommand.class, VersionCommand.class,
            CompletionCommand.class);

    private final CliContext context;

    @Spec
    CommandSpec spec;

    BakeryCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    /** The command line with every subcommand. */
    static CommandLine commandLine(CliContext context) {
        return commandLine(context, new String[0]);
    }

    /**
     * The command line for {@code args}: when they name a subcommand, with just that one. picocli reads
     * each subcommand's annotations by reflection as the model is built; skipping the ones that will not
     * run takes about a third off a short command's start-up. Help, completion and anything else get all.
     */
    static CommandLine commandLine(CliContext context, String... args) {
        CommandLine cli = new CommandLine(new BakeryCommand(context));
        Class<?> only = args.length > 0 && !args[0].equals("completion") ? SUBCOMMANDS.get(args[0]) : null;
        for (Class<?> subcommand : only != null ? List.<Class<?>>of(only) : SUBCOMMANDS.values()) {
            cli.addSubcommand(subcommand);
        }
        return cli;
    }

    private static Map<String, Class<?>> subcommands(Class<?>... classes) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> command : classes) {
            byName.put(command.getAnnotation(Command.class).name(), command);
        }
        return byName;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: give one, e.g. `bakery build`");
    }

    /** The version and commit Maven put into version.properties: {@code 0.2.0 (commit 1a2b3c4d5e6f)}. */
    static String version() {
        try (InputStream in = BakeryCommand.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String commit = properties.getProperty("commit", "");
            // Built outside a git checkout (a source archive): the property stays unfilled.
            boolean known = !commit.isBlank() && !commit.startsWith("${");
            return properties.getProperty("version", "unknown") + " (commit " + (known ? commit : "unknown")
                    + ("true".equals(properties.getProperty("dirty")) ? ", modified" : "") + ")";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bakery " + version()};
        }
    }
}
