package dev.bakery.cli;

import dev.bakery.cli.follow.BuildFollower;
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

    public static CliContext system() {
        Map<String, String> env = System.getenv();
        return new CliContext(System.out, System.err, env, Path.of(System.getProperty("user.home")),
                BuildFollower.Settings.STANDARD, new ActiveBuilds(System.err),
                dev.bakery.cli.output.Terminal.isInteractive(env));
    }
}
