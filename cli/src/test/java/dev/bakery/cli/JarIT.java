package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.cli.testing.AgentPlay;
import dev.bakery.cli.testing.Cli;
import dev.bakery.cli.testing.LoopbackBakery;
import dev.bakery.cli.testing.Repos;
import dev.bakery.core.status.BuildStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The packaged jar, run as the `bakery` script runs it: {@code java -jar cli/target/bakery.jar}. */
class JarIT {

    private static final Path JAR = Path.of("target", "bakery.jar");

    @TempDir
    Path dir;

    private Process start(String... args) throws IOException {
        assertThat(JAR).as("the packaged CLI (mvn package)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BAKERY_LOCAL_DIR", dir.resolve("local").toString());
        return builder.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    private Cli.Result finish(Process process) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli.Result(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndEveryBuildFlag() throws Exception {
        Cli.Result help = finish(start("--help"));
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: bakery", "build", "validate", "status", "logs", "cancel", "list", "version",
                "completion");

        Cli.Result build = finish(start("build", "--help"));
        assertThat(build.exit()).isZero();
        CommandLine model = BakeryCommand.commandLine(null).getSubcommands().get("build");
        List<String> flags = model.getCommandSpec().options().stream().flatMap(o -> List.of(o.names()).stream()).toList();
        assertThat(flags).contains("--config", "--compose", "--services", "--async", "--repo", "--detach", "--output",
                "--metadata-file", "--platform", "--label", "--dry-run", "--endpoint", "--ws-endpoint", "--stack", "--region",
                "--profile", "--help", "--print", "--set");
        assertThat(build.out()).contains(flags);
    }

    /** The version names the commit the jar was built from, as git names it. */
    @Test
    void versionNamesTheCommit() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").start();
        String commit = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor()).isZero();

        Cli.Result version = finish(start("--version"));

        assertThat(version.exit()).isZero();
        assertThat(version.out()).matches("bakery \\S+ \\(commit " + commit + "(, modified)?\\)\n");
        assertThat(finish(start("version")).out()).startsWith(version.out().strip() + " on Java ");
    }

    /** SIGTERM (a cancelled CI job) cancels the followed build before the process exits with 143. */
    @Test
    void sigtermCancelsTheBuildAndExits143() throws Exception {
        try (LoopbackBakery bakery = new LoopbackBakery(); AgentPlay play = new AgentPlay(bakery)) {
            Path repo = Repos.repo(dir.resolve("repo"), Repos.TWO_ARCH_CONFIG);
            var before = play.builds();
            bakery.writeEndpointFile(dir.resolve("local"));
            Process process = start("build", "--repo", repo.toString(), "--endpoint", "local");
            String id = play.awaitSubmitted(before);
            play.awaitSubscribed(id);

            process.destroy(); // SIGTERM

            Cli.Result result = finish(process);
            assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.TERMINATED);
            assertThat(result.err()).contains("bakery: interrupted: build " + id + " CANCELLED");
            assertThat(bakery.harness.store.build(id).orElseThrow().status()).isEqualTo(BuildStatus.CANCELLED);
        }
    }
}
