package dev.bakery.cli;

import dev.bakery.cli.follow.BuildFollower;
import dev.bakery.cli.output.Terminal;
import dev.bakery.cli.output.TerminalText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands get from the world: streams, environment, home directory, how patiently to
 * follow, and the builds to cancel if the process is stopped. {@link #system()} is the real one;
 * tests make their own.
 */
public record CliContext(PrintStream out, PrintStream err, Map<String, String> env, Path home,
        BuildFollower.Settings follow, ActiveBuilds activeBuilds, boolean interactive) {

    /** The process's streams, each behind {@link TerminalText#guard}: no control sequence but the CLI's own colours. */
    public static CliContext system() {
        Map<String, String> env = System.getenv();
        boolean interactive = Terminal.isInteractive(env);
        PrintStream out = TerminalText.guard(System.out, interactive);
        PrintStream err = TerminalText.guard(System.err, interactive);
        return new CliContext(out, err, env, Path.of(System.getProperty("user.home")),
                BuildFollower.Settings.STANDARD, new ActiveBuilds(err), interactive);
    }
}
