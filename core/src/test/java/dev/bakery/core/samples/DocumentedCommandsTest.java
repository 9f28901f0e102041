package dev.bakery.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.core.samples.CommandLines.Command;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The finder of every {@code bakery} command the samples, CI pipelines, README and docs show;
 * the cli module's DocumentedFlagsTest holds those commands to the real command line.
 */
class DocumentedCommandsTest {

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
}
