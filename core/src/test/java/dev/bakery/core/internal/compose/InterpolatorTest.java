package dev.bakery.core.internal.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.internal.InvalidValueException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class InterpolatorTest {

    /** SET=value, EMPTY is set but empty, anything else is unset. */
    private static final Map<String, String> ENV = new HashMap<>();

    static {
        ENV.put("TAG", "1.2");
        ENV.put("REGISTRY", "reg.example.com");
        ENV.put("EMPTY", "");
        ENV.put("_under_1", "u");
        ENV.put("B", "bee");
    }

    private static String interpolate(String text) throws InvalidValueException {
        return Interpolator.interpolate(text, ENV::get);
    }

    @Test
    void textWithoutDollarIsUnchanged() throws Exception {
        assertThat(interpolate("")).isEmpty();
        assertThat(interpolate("plain text {with} braces")).isEqualTo("plain text {with} braces");
    }

    @Test
    void plainVariable() throws Exception {
        assertThat(interpolate("$TAG")).isEqualTo("1.2");
        assertThat(interpolate("$_under_1")).isEqualTo("u");
        assertThat(interpolate("v$TAG-final")).isEqualTo("v1.2-final");
        assertThat(interpolate("$TAG.x")).isEqualTo("1.2.x");
    }

    @Test
    void bracedVariable() throws Exception {
        assertThat(interpolate("${TAG}")).isEqualTo("1.2");
        assertThat(interpolate("${TAG}suffix")).isEqualTo("1.2suffix");
        assertThat(interpolate("image:${TAG}")).isEqualTo("image:1.2");
    }

    @Test
    void unsetWithoutDefaultIsEmpty() throws Exception {
        assertThat(interpolate("a${NOPE}b")).isEqualTo("ab");
        assertThat(interpolate("a$NOPE-b")).isEqualTo("a-b");
    }

    @Test
    void multipleVariablesAndSurroundingText() throws Exception {
        assertThat(interpolate("${REGISTRY}/app:$TAG and ${NOPE:-x}!"))
                .isEqualTo("reg.example.com/app:1.2 and x!");
    }

    @Test
    void doubleDollarIsLiteralDollar() throws Exception {
        assertThat(interpolate("$$")).isEqualTo("$");
        assertThat(interpolate("cost $$5")).isEqualTo("cost $5");
        assertThat(interpolate("$${TAG}")).isEqualTo("${TAG}");
        assertThat(interpolate("$$TAG")).isEqualTo("$TAG");
        assertThat(interpolate("$$$TAG")).isEqualTo("$1.2");
        assertThat(interpolate("$$${TAG}")).isEqualTo("$1.2");
        assertThat(interpolate("${TAG}$$")).isEqualTo("1.2$");
    }

    @Test
    void loneDollarStaysLiteral() throws Exception {
        assertThat(interpolate("a $ b")).isEqualTo("a $ b");
        assertThat(interpolate("$1")).isEqualTo("$1");
        assertThat(interpolate("end$")).isEqualTo("end$");
        assertThat(interpolate("$-x")).isEqualTo("$-x");
    }

    @Test
    void colonDashUsesDefaultWhenUnsetOrEmpty() throws Exception {
        assertThat(interpolate("${TAG:-latest}")).isEqualTo("1.2");
        assertThat(interpolate("${NOPE:-latest}")).isEqualTo("latest");
        assertThat(interpolate("${EMPTY:-latest}")).isEqualTo("latest");
        assertThat(interpolate("${NOPE:-}")).isEmpty();
    }

    @Test
    void dashUsesDefaultOnlyWhenUnset() throws Exception {
        assertThat(interpolate("${TAG-latest}")).isEqualTo("1.2");
        assertThat(interpolate("${NOPE-latest}")).isEqualTo("latest");
        assertThat(interpolate("${EMPTY-latest}")).isEmpty();
    }

    @Test
    void defaultMayContainSpacesAndPunctuation() throws Exception {
        assertThat(interpolate("${NOPE:-a b:c-d?e+f}")).isEqualTo("a b:c-d?e+f");
        assertThat(interpolate("${NOPE:-{x}")).isEqualTo("{x");
        assertThat(interpolate("${NOPE:-$}")).isEqualTo("$");
    }

    @Test
    void nestedDefaults() throws Exception {
        assertThat(interpolate("${NOPE:-${B:-x}}")).isEqualTo("bee");
        assertThat(interpolate("${NOPE:-${ALSO_NOPE:-x}}")).isEqualTo("x");
        assertThat(interpolate("${NOPE:-pre-$TAG-${B}-post}")).isEqualTo("pre-1.2-bee-post");
        assertThat(interpolate("${A1:-${A2:-${A3:-deep}}}!")).isEqualTo("deep!");
        assertThat(interpolate("${NOPE:-$${B}}")).isEqualTo("${B}");
    }

    @Test
    void colonPlusUsesAlternativeWhenSetAndNonEmpty() throws Exception {
        assertThat(interpolate("${TAG:+alt}")).isEqualTo("alt");
        assertThat(interpolate("${EMPTY:+alt}")).isEmpty();
        assertThat(interpolate("${NOPE:+alt}")).isEmpty();
        assertThat(interpolate("${TAG:+--tag=${TAG}}")).isEqualTo("--tag=1.2");
    }

    @Test
    void plusUsesAlternativeWhenSet() throws Exception {
        assertThat(interpolate("${TAG+alt}")).isEqualTo("alt");
        assertThat(interpolate("${EMPTY+alt}")).isEqualTo("alt");
        assertThat(interpolate("${NOPE+alt}")).isEmpty();
    }

    @Test
    void colonQuestionRequiresSetAndNonEmpty() throws Exception {
        assertThat(interpolate("${TAG:?need a tag}")).isEqualTo("1.2");
        assertThatThrownBy(() -> interpolate("${NOPE:?need a tag}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable NOPE is missing a value: need a tag");
        assertThatThrownBy(() -> interpolate("${EMPTY:?need a tag}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable EMPTY is missing a value: need a tag");
    }

    @Test
    void questionRequiresSetOnly() throws Exception {
        assertThat(interpolate("${TAG?need a tag}")).isEqualTo("1.2");
        assertThat(interpolate("${EMPTY?need a tag}")).isEmpty();
        assertThatThrownBy(() -> interpolate("${NOPE?need a tag}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable NOPE is missing a value: need a tag");
    }

    @Test
    void requiredWithoutMessage() {
        assertThatThrownBy(() -> interpolate("${TAG2:?}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable TAG2 is missing a value");
        assertThatThrownBy(() -> interpolate("${TAG2?}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable TAG2 is missing a value");
    }

    @Test
    void requiredMessageIsInterpolated() {
        assertThatThrownBy(() -> interpolate("${NOPE:?set it, e.g. to $TAG}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable NOPE is missing a value: set it, e.g. to 1.2");
    }

    @Test
    void requiredInsideDefaultFailsOnlyWhenUsed() throws Exception {
        assertThat(interpolate("${TAG:-${NOPE:?unused}}")).isEqualTo("1.2");
        assertThatThrownBy(() -> interpolate("${NOPE:-${ALSO_NOPE:?inner}}"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("required variable ALSO_NOPE is missing a value: inner");
    }

    @Test
    void looksUpOnlyWhatIsUsed() throws Exception {
        List<String> asked = new ArrayList<>();
        Function<String, String> env = name -> {
            asked.add(name);
            return ENV.get(name);
        };
        assertThat(Interpolator.interpolate("${TAG:-${B}}${NOPE:+$B}", env)).isEqualTo("1.2");
        assertThat(asked).containsExactly("TAG", "NOPE");
    }

    @Test
    void missingClosingBrace() {
        for (String text : List.of("${TAG", "a ${TAG:-x", "${NOPE:-${B}", "${", "x${")) {
            assertThatThrownBy(() -> interpolate(text))
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessage("invalid interpolation format in \"" + text
                            + "\": missing closing brace");
        }
    }

    @Test
    void badVariableName() {
        for (String text : List.of("${}", "${1A}", "a ${A B} c", "${A:}", "${A:=x}", "${A!}",
                "${-x}", "${NOPE:-${9}}", "${A${B}}")) {
            assertThatThrownBy(() -> interpolate(text))
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessage("invalid interpolation format in \"" + text
                            + "\": bad variable name");
        }
    }

    @Test
    void syntaxIsCheckedEvenInUnusedBranches() {
        String text = "${TAG:-${1A}}";
        assertThatThrownBy(() -> interpolate(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid interpolation format in \"" + text + "\": bad variable name");
    }
}
