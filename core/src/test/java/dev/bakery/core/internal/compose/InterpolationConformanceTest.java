package dev.bakery.core.internal.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.internal.InvalidValueException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interpolation as compose-spec/compose-go's {@code template} package documents it in its tests
 * ({@code template/template_test.go}): the same environment (FOO set, BAR set but empty, JSON holding
 * braces, everything else unset) and the outcomes those tests expect, written out as cases here.
 */
class InterpolationConformanceTest {

    private static final Map<String, String> ENV = new HashMap<>();

    static {
        ENV.put("FOO", "first");
        ENV.put("BAR", "");
        ENV.put("JSON", "{\"json\":2}");
    }

    private static String interpolate(String text) throws InvalidValueException {
        return Interpolator.interpolate(text, ENV::get);
    }

    /** Template, then what Compose makes of it ({@code |} quotes keep spaces; {@code ''} is empty). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // escaping and text without references
        "$${foo} | ${foo}",
        "foo | foo",
        "a $ string | a $ string",
        "^REGEX$ | ^REGEX$",
        "$} | $}",
        "$ | $",
        // unbraced names end at the first character that cannot be in a name
        "$FOO-bar | first-bar",
        // no value, no default: empty; a value: itself
        "'This ${missing} var' | 'This  var'",
        "'This ${BAR} var' | 'This  var'",
        "'This $FOO var' | 'This first var'",
        "'This ${FOO} var' | 'This first var'",
        // defaults: ':-' when unset or empty, '-' only when unset
        "'ok ${missing:-def}' | 'ok def'",
        "'ok ${missing-def}' | 'ok def'",
        "'ok ${BAR:-def}' | 'ok def'",
        "'ok ${FOO:-def}' | 'ok first'",
        "'ok ${BAR-def}' | 'ok '",
        // alternatives: ':+' when set and non-empty, '+' when set
        "'ok ${UNSET_VAR:+presence_value}' | 'ok '",
        "'ok ${UNSET_VAR+presence_value}' | 'ok '",
        "'ok ${FOO:+presence_value}' | 'ok presence_value'",
        "'ok ${FOO+presence_value}' | 'ok presence_value'",
        "'ok ${BAR+presence_value}' | 'ok presence_value'",
        "'ok ${BAR:+presence_value}' | 'ok '",
        "'ok ${BAR:-/non:-alphanumeric}' | 'ok /non:-alphanumeric'",
        "'${A:+${A},}B' | B",
        // the text around an expression does not change its meaning
        "'-ok ${BAR:-defaultValue}' | '-ok defaultValue'",
        "'+ok ${UNSET:-${BAR-defaultValue}}' | '+ok '",
        "'-ok ${FOO:-defaultValue}' | '-ok first'",
        "':-ok ${UNSET-defaultValue}' | ':-ok defaultValue'",
        "':-ok ${BAR-defaultValue}' | ':-ok '",
        "':?ok ${BAR-defaultValue}' | ':?ok '",
        "':?ok ${BAR:-defaultValue}' | ':?ok defaultValue'",
        "':+ok ${BAR:-defaultValue}' | ':+ok defaultValue'",
        "'+ok ${BAR-defaultValue}' | '+ok '",
        "'?ok ${BAR:-defaultValue}' | '?ok defaultValue'",
        // defaults and alternatives are interpolated themselves
        "'ok ${UNSET_VAR-$FOO}' | 'ok first'",
        "'ok ${UNSET_VAR-${FOO}}' | 'ok first'",
        "'ok ${UNSET_VAR-${FOO} ${FOO}}' | 'ok first first'",
        "'ok ${BAR:-$FOO}' | 'ok first'",
        "'ok ${BAR:-${FOO}}' | 'ok first'",
        "'ok ${BAR:-${FOO} ${FOO}}' | 'ok first first'",
        "'ok ${BAR+$FOO}' | 'ok first'",
        "'ok ${BAR+$FOO ${FOO:+second}}' | 'ok first second'",
        // a present value wins over a required-message; the first operator decides
        "'ok ${FOO:?err}' | 'ok first'",
        "'ok ${FOO?err}' | 'ok first'",
        "'ok ${BAR?err}' | 'ok '",
        "'${UNSET_VAR-myerror?msg}' | 'myerror?msg'",
        "'${FOO?bar-baz}' | first",
        "'${BAR:-default_value_for_empty_var}' | default_value_for_empty_var",
        "'${UNSET_VAR-default_value_for_unset_var}' | default_value_for_unset_var",
        "'ok ${SUBDOMAIN:-redis}.${FOO:?}' | 'ok redis.first'",
        // braces inside a default nest (JSON defaults)
        "'ok ${missing:-{\"json\":1}}' | 'ok {\"json\":1}'",
        "'ok ${missing-{\"json\":1}}' | 'ok {\"json\":1}'",
        "'ok ${JSON:-{\"json\":1}}' | 'ok {\"json\":2}'",
        "'ok ${JSON-{\"json\":1}}' | 'ok {\"json\":2}'",
    })
    void substitutes(String template, String expected) throws Exception {
        assertThat(interpolate(template)).isEqualTo(expected == null ? "" : expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}"})
    void refusesInvalidTemplates(String template) {
        assertThatThrownBy(() -> interpolate(template)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("invalid interpolation format");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'not ok ${UNSET_VAR:?Mandatory Variable Unset}' | 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'",
        "'not ok ${BAR:?Mandatory Variable Empty}' | 'required variable BAR is missing a value: Mandatory Variable Empty'",
        "'not ok ${UNSET_VAR:?}' | 'required variable UNSET_VAR is missing a value'",
        "'not ok ${UNSET_VAR?Mandatory Variable Unset}' | 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'",
        "'not ok ${UNSET_VAR?}' | 'required variable UNSET_VAR is missing a value'",
        "'not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}' | 'required variable UNSET_VAR is missing a value: Mandatory Variable first'",
        "'not ok ${UNSET_VAR?Mandatory Variable ${FOO}}' | 'required variable UNSET_VAR is missing a value: Mandatory Variable first'",
        "'${UNSET_VAR?bar-baz}' | 'required variable UNSET_VAR is missing a value: bar-baz'",
    })
    void requiredVariables(String template, String message) {
        assertThatThrownBy(() -> interpolate(template)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(message);
    }
}
