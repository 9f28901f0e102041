package dev.bakery.cli;

import dev.bakery.cli.api.ApiException;
import dev.bakery.cli.api.EndpointException;
import dev.bakery.cli.context.ContextException;
import dev.bakery.core.BakeryConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import picocli.CommandLine;

/**
 * {@code bakery}: the process entry. Installs the shutdown hook that cancels followed builds when
 * the process is stopped, runs the command and exits with its code ({@link ExitCodes}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        CliContext context = CliContext.system();
        // On SIGINT/SIGTERM the JVM runs this, then exits with 130/143 itself.
        Runtime.getRuntime().addShutdownHook(new Thread(context.activeBuilds()::cancelAll, "bakery-cancel-on-exit"));
        int code = run(context, args);
        context.activeBuilds().leave(); // the hook cancels only what a signal interrupted
        context.out().flush();
        System.exit(code);
    }

    /** Runs one command line; never exits the JVM. */
    public static int run(CliContext context, String... args) {
        CommandLine cli = BakeryCommand.commandLine(context, args);
        cli.setOut(new java.io.PrintWriter(context.out(), true));
        cli.setErr(new java.io.PrintWriter(context.err(), true));
        cli.setExecutionExceptionHandler((e, command, parsed) -> failure(context, e));
        return cli.execute(args);
    }

    /** A failure as the user sees it: one sentence, no stack trace (unless BAKERY_DEBUG is set), and its exit code. */
    static int failure(CliContext context, Exception e) {
        int code;
        String message;
        switch (e) {
            case BakeryConfigException config -> {
                code = ExitCodes.USAGE;
                message = config.getMessage();
            }
            case UsageException usage -> {
                code = ExitCodes.USAGE;
                message = "bakery: " + usage.getMessage();
            }
            case EndpointException endpoint -> {
                code = ExitCodes.USAGE;
                message = "bakery: " + endpoint.getMessage();
            }
            case ApiException api -> {
                code = switch (api.status()) {
                    case 400, 404, 413, 422 -> ExitCodes.USAGE;
                    default -> ExitCodes.INFRASTRUCTURE;
                };
                message = "bakery: " + api.getMessage() + (api.path() == null ? "" : " (at " + api.path() + ")");
            }
            // A tree that cannot be a build context (unreadable file, FIFO, bad .dockerignore): the user's to fix.
            case ContextException unpackable -> {
                code = ExitCodes.USAGE;
                message = "bakery: " + unpackable.getMessage();
            }
            // Java maps file names through the locale's charset; under POSIX a non-ASCII name has no mapping.
            case InvalidPathException unmappable -> {
                code = ExitCodes.USAGE;
                message = "bakery: the file name \"" + unmappable.getInput() + "\" cannot be read in this locale's"
                        + " file name encoding (" + System.getProperty("sun.jnu.encoding") + "): run with a UTF-8"
                        + " locale, e.g. LC_ALL=C.UTF-8 (the ./bakery launcher sets it)";
            }
            case InterruptedException interrupted -> {
                code = ExitCodes.INTERRUPTED;
                message = "bakery: interrupted";
            }
            case IOException io -> {
                code = ExitCodes.INFRASTRUCTURE;
                message = "bakery: " + io.getMessage();
            }
            case UncheckedIOException io -> {
                code = ExitCodes.INFRASTRUCTURE;
                message = "bakery: " + io.getMessage();
            }
            default -> {
                code = ExitCodes.INFRASTRUCTURE;
                message = "bakery: unexpected error: " + e;
            }
        }
        context.err().println(message);
        if (context.env().containsKey("BAKERY_DEBUG")) {
            e.printStackTrace(context.err());
        }
        return code;
    }
}
