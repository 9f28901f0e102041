package dev.bakery.cli.testing;

import dev.bakery.core.retry.Backoff;
import dev.bakery.cli.ActiveBuilds;
import dev.bakery.cli.CliContext;
import dev.bakery.cli.Main;
import dev.bakery.cli.follow.BuildFollower;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs {@code bakery} in this JVM as a user would from a shell: given arguments and environment,
 * with stdout and stderr captured, not a terminal, and a follower with short pauses.
 */
public final class Cli {

    public static final BuildFollower.Settings QUICK = new BuildFollower.Settings(Duration.ofSeconds(3),
            Duration.ofMillis(100), new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)), 4, Duration.ofSeconds(5));

    /** What a run printed and how it ended. */
    public record Result(int exit, String out, String err) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CliContext context;

    public Cli(Map<String, String> env, Path home) {
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8), errStream, env, home, QUICK,
                new ActiveBuilds(errStream), false);
    }

    /** The builds the shutdown hook would cancel. */
    public ActiveBuilds activeBuilds() {
        return context.activeBuilds();
    }

    public Result run(String... args) {
        int exit = Main.run(context, args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs in the background, for tests that play the server's side meanwhile. */
    public CompletableFuture<Result> start(String... args) {
        return CompletableFuture.supplyAsync(() -> run(args), r -> Thread.ofPlatform().name("bakery-cli").start(r));
    }

    /** What was printed so far. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What was printed to stderr so far (also by the cancel path, which may finish after the run). */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Runs a wait of the server's side; if it fails, the failure shows what the CLI printed meanwhile. */
    public void during(Runnable wait) {
        try {
            wait.run();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the CLI printed:\n" + out() + err(), e);
        }
    }
}
