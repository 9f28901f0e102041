package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.samples.CommandLines;
import dev.bakery.core.samples.CommandLines.Command;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every {@code bakery} command the samples, the CI pipelines, the README and the docs show users
 * runs against the real command line: its subcommand exists and {@code bakery <subcommand> --help}
 * lists each option it uses. {@code bakery local ...} is the launcher's way into bakery-local,
 * whose options are checked against that command's source.
 */
class DocumentedFlagsTest {

    /** Tests run in cli/; the repository root is its parent. */
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    static Stream<Command> shownCommands() {
        return CommandLines.inRepository(REPOSITORY).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shownCommands")
    void everyOptionShownToUsersIsAnOptionOfThatSubcommand(Command command) throws IOException {
        if (command.subcommand().equals("local")) {
            assertThat(Files.readString(REPOSITORY.resolve("bakery"))).contains("\"${1:-}\" = local", "bakery-local.jar");
            String local = Files.readString(REPOSITORY.resolve("local/src/main/java/dev/bakery/local/Main.java"))
                    + Files.readString(REPOSITORY.resolve("local/src/main/java/dev/bakery/local/DemoCommand.java"));
            for (String option : command.options()) {
                assertThat(local).as(command + ": " + option).contains("\"" + option + "\"");
            }
            return;
        }
        CommandLine root = BakeryCommand.commandLine(CliContext.system());
        CommandLine subcommand = command.subcommand().isEmpty() ? root : root.getSubcommands().get(command.subcommand());
        assertThat(subcommand).as(command + ": no subcommand " + command.subcommand()).isNotNull();

        StringWriter help = new StringWriter();
        root.setOut(new PrintWriter(help, true));
        String[] asking = command.subcommand().isEmpty() ? new String[] {"--help"} : new String[] {command.subcommand(), "--help"};
        assertThat(root.execute(asking)).as("bakery " + command.subcommand() + " --help").isZero();
        for (String option : command.options()) {
            assertThat(subcommand.getCommandSpec().findOption(option)).as(command + ": " + option).isNotNull();
            assertThat(help.toString()).as("bakery " + command.subcommand() + " --help lists " + option).contains(option);
        }
    }

    @Test
    void theCiPipelinesAndTheReadmeAreAmongTheCheckedCommands() {
        List<Command> commands = CommandLines.inRepository(REPOSITORY);

        // GitHub builds through the action (ActionMetadataTest checks how its inputs become flags).
        assertThat(commands).filteredOn(c -> c.source().endsWith("github-actions.yml")).extracting(Command::subcommand)
                .contains("status");
        assertThat(commands).filteredOn(c -> c.source().endsWith("gitlab-ci.yml")).extracting(Command::subcommand)
                .contains("build");
        assertThat(commands).filteredOn(c -> c.source().endsWith("README.md")).extracting(Command::subcommand)
                .contains("build", "local");
    }
}
