package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.samples.CommandLines.Command;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code bakery} command the samples, CI pipelines, README and docs show uses a subcommand
 * and options of the CLI's contract. The cli module checks the same commands against the real
 * command line ({@code bakery <subcommand> --help}); this guard holds until it exists.
 */
class DocumentedCommandsTest {

    private static final List<String> CONNECTION = List.of("--endpoint", "--ws-endpoint", "--stack", "--region", "--profile");
    private static final List<String> INPUT = List.of("--config", "--compose", "--services", "--repo");

    /** The contract's options per subcommand (see the CLI's issue 8). */
    private static final Map<String, Set<String>> CONTRACT = Map.of(
            "build", options(INPUT, CONNECTION, List.of("--async", "--detach", "--output", "--metadata-file", "--platform",
                    "--label", "--dry-run")),
            "validate", options(INPUT),
            "status", options(CONNECTION),
            "logs", options(CONNECTION, List.of("--follow")),
            "cancel", options(CONNECTION),
            "list", options(CONNECTION),
            "version", Set.of());

    @Test
    void everyShownCommandUsesTheContractsSubcommandsAndOptions() {
        List<Command> commands = CommandLines.inRepository(Samples.ROOT.getParent());

        assertThat(commands).extracting(Command::subcommand).contains("build", "validate");
        assertThat(commands).allSatisfy(command -> {
            assertThat(CONTRACT).as(command.toString()).containsKey(command.subcommand());
            assertThat(CONTRACT.get(command.subcommand())).as(command.toString()).containsAll(command.options());
        });
    }

    @Test
    void findsCommandsInEachKindOfPlace() {
        List<Command> commands = CommandLines.inRepository(Samples.ROOT.getParent());

        assertThat(commands).extracting(Command::source).anyMatch(s -> s.endsWith("github-actions.yml"))
                .anyMatch(s -> s.endsWith("gitlab-ci.yml")).anyMatch(s -> s.endsWith("bakery.yaml"))
                .anyMatch(s -> s.endsWith("compose.yaml")).anyMatch(s -> s.endsWith(".md"));
    }

    @Test
    void readsCommandsAsAShellWould() {
        List<Command> commands = CommandLines.inShell("test", """
                # bakery in a comment is no command
                exec bakery build --config "a b.yaml" --label=git=1 && bakery status b-1
                REGISTRY=x bakery validate --compose c.yaml | tee out
                echo bakery build; cd bakery && bakery version
                $ bakery logs --follow b-2
                bakery build \\
                  --stack Bakery &
                """);

        assertThat(commands).extracting(c -> String.join(" ", c.words())).containsExactly(
                "bakery build --config a b.yaml --label=git=1", "bakery status b-1", "bakery validate --compose c.yaml",
                "bakery version", "bakery logs --follow b-2", "bakery build --stack Bakery");
        assertThat(commands.getFirst().options()).containsExactly("--config", "--label");
        assertThat(commands.getFirst().value("--label")).isEqualTo("git=1");
        assertThat(commands.getFirst().value("--config")).isEqualTo("a b.yaml");
    }

    @SafeVarargs
    private static Set<String> options(List<String>... groups) {
        return Stream.of(groups).flatMap(List::stream).collect(Collectors.toSet());
    }
}
