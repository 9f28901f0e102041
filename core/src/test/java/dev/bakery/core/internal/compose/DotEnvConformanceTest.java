package dev.bakery.core.internal.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.internal.InvalidValueException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code .env} files as compose-go's {@code dotenv} package reads them: each case restates one of its
 * {@code godotenv_test.go} parsing cases (one line, the key it defines, the value Compose gives it).
 */
class DotEnvConformanceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "FOO=bar | FOO | bar",
        "FOO =bar | FOO | bar",
        "FOO= bar | FOO | bar",
        "FOO=\"bar\" | FOO | bar",
        "FOO='bar' | FOO | bar",
        "FOO=\"escaped\\\"bar\" | FOO | escaped\"bar",
        "FOO=\"'d'\" | FOO | 'd'",
        "OPTION_A: 1 | OPTION_A | 1",
        "OPTION_A: Foo=bar | OPTION_A | Foo=bar",
        "OPTION_A=1:B | OPTION_A | 1:B",
        "export OPTION_A=2 | OPTION_A | 2",
        "export OPTION_B='\\n' | OPTION_B | \\n",
        "export exportFoo=2 | exportFoo | 2",
        "exportFOO=2 | exportFOO | 2",
        "export_FOO =2 | export_FOO | 2",
        "export.FOO= 2 | export.FOO | 2",
        "~  export OPTION_A=2~ | OPTION_A | 2",
        "export OPTION_A=\"export A\" | OPTION_A | export A",
        "FOO=a\\tb | FOO | a\\tb",
        "FOO.BAR=foobar | FOO.BAR | foobar",
        "FOO=foobar= | FOO | foobar=",
        "~FOO=bar ~ | FOO | bar",
        "FOO=bar # this is foo | FOO | bar",
        "FOO=bar #this is foo | FOO | bar",
        "FOO=123#not-an-inline-comment | FOO | 123#not-an-inline-comment",
        "FOO=\"bar#baz\" # comment | FOO | bar#baz",
        "FOO='bar#baz' # comment | FOO | bar#baz",
        "FOO=\"ba#r\" | FOO | ba#r",
        "~ KEY =value~ | KEY | value",
        "KEY=\"\\0123\" | KEY | S",
        "KEY=\"\\x07\" | KEY | \\x07",
    })
    void parsesOneLine(String line, String key, String value) throws Exception {
        assertThat(DotEnv.parse(line, name -> null)).containsEntry(key, value);
    }

    @Test
    void doubleQuotesUnescapeNewlinesAndTabs() throws Exception {
        assertThat(DotEnv.parse("FOO=\"bar\\nbaz\"\nTAB=\"a\\tb\"", name -> null))
                .containsEntry("FOO", "bar\nbaz").containsEntry("TAB", "a\tb");
    }

    @Test
    void commentsBlankLinesAndInheritedKeys() throws Exception {
        Map<String, String> values = DotEnv.parse("""
                # a comment
                
                INHERITED
                NOT_IN_ENV
                PLAIN=1
                """, name -> name.equals("INHERITED") ? "from-env" : null);
        assertThat(values).containsExactly(Map.entry("INHERITED", "from-env"), Map.entry("PLAIN", "1"));
    }

    // godotenv_var_expansion_test: values expand earlier keys and the environment; single quotes do not.
    @Test
    void expansion() throws Exception {
        Map<String, String> values = DotEnv.parse("""
                A=1
                B=${A}-$A
                C="${A}2"
                D='${A}'
                E=${UNSET:-default}
                """, name -> null);
        assertThat(values).containsEntry("B", "1-1").containsEntry("C", "12").containsEntry("D", "${A}")
                .containsEntry("E", "default");
    }

    @Test
    void malformedLinesNameTheLine() {
        assertThatThrownBy(() -> DotEnv.parse("OK=1\nBAD KEY=2\n", name -> null)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> DotEnv.parse("A=\"unterminated\n", name -> null)).hasMessageContaining("unterminated quoted value");
        assertThatThrownBy(() -> DotEnv.parse("A%B=1", name -> null)).hasMessageContaining("unexpected character \"%\"");
    }
}
