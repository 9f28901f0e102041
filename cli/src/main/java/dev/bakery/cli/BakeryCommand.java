package dev.bakery.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top command: only its subcommands do something. */
@Command(name = "bakery", mixinStandardHelpOptions = true, versionProvider = BakeryCommand.Version.class,
        description = "Builds container images for amd64 and arm64 natively with Kaniko on AWS Fargate (or the local mode).",
        subcommands = {BuildCommand.class, ValidateCommand.class, StatusCommand.class, LogsCommand.class,
            CancelCommand.class, ListCommand.class, VersionCommand.class, CompletionCommand.class},
        footer = {"", "Exit codes: 0 success, 1 build failed or cancelled, 2 usage or config error, 3 API/AWS/network"
                + " error, 130/143 interrupted (SIGINT/SIGTERM).", "",
            "`bakery local ...` (the launcher script at the repository's root) starts the local mode."})
final class BakeryCommand implements Runnable {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    BakeryCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
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
