package dev.bakery.core.internal.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The user's reference (docs/config-reference.md) lists every key the parser accepts. */
class ConfigReferenceTest {

    @Test
    void everyKeyOfTheModelIsDocumented() throws Exception {
        String reference = Files.readString(Path.of("..", "docs", "config-reference.md"));
        assertThat(Schema.SETTINGS.paths()).hasSizeGreaterThan(40)
                .allSatisfy(path -> assertThat(reference).as("docs/config-reference.md documents " + path)
                        .contains("`" + path + "`"));
    }
}
