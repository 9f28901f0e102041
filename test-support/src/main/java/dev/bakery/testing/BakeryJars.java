package dev.bakery.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two jars a user runs, started as processes the way the {@code bakery} script starts them.
 * Paths are relative to a module directory (tests run there), so the jars must have been built in
 * this reactor before the calling module.
 */
public final class BakeryJars {

    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    public static final Path CLI = ROOT.resolve("cli/target/bakery.jar");
    public static final Path LOCAL = ROOT.resolve("local/target/bakery-local.jar");

    private BakeryJars() {
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** What a finished CLI run printed (stdout and stderr together) and how it exited. */
    public record Run(int exit, String output) {
        /** The build id the CLI printed when it submitted {@code service}. */
        public String buildId(String service) {
            return output.lines().filter(l -> l.startsWith("submitted " + service + ": ")).findFirst()
                    .map(l -> l.split(" ")[2]).orElseThrow(() -> new AssertionError("no build submitted for " + service
                            + " in:\n" + output));
        }
    }

    /** Starts {@code bakery ARGS} against the local mode whose data dir is {@code dataDir}. */
    public static Process startCli(Path dataDir, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", CLI.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("BAKERY_LOCAL_DIR", dataDir.toString());
        builder.environment().remove("GITHUB_ACTIONS");
        builder.environment().remove("LOG_FORMAT");
        return builder.start();
    }

    public static Run cli(Path dataDir, String... args) throws Exception {
        Path log = Files.createTempFile("bakery-cli", ".log");
        try {
            Process process = startCli(dataDir, log, args);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("bakery " + String.join(" ", args) + " did not finish in 5 minutes");
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * {@code bakery-local --data-dir DIR --port 0 EXTRA...}, ready when its endpoint file appears.
     * Tests that may run beside another bakery-local pass {@code --registry-port} with a free port.
     */
    public static Process startLocal(Path dataDir, Path log, String... extra) throws Exception {
        Files.deleteIfExists(dataDir.resolve("endpoint.json"));
        List<String> command = new ArrayList<>(List.of(java(), "-jar", LOCAL.toString(), "--data-dir", dataDir.toString(),
                "--port", "0"));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command)
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(dataDir.resolve("endpoint.json"))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("bakery-local did not start:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return process;
    }

    /** Stops it as Ctrl-C would and waits until it has cleaned up (registry stopped, endpoint file gone). */
    public static void stop(Process local) throws InterruptedException {
        local.destroy();
        if (!local.waitFor(1, TimeUnit.MINUTES)) {
            local.destroyForcibly().waitFor();
        }
    }
}
