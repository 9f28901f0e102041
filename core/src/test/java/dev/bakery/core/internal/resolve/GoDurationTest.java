package dev.bakery.core.internal.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.core.internal.InvalidValueException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "24h       | PT24H",
        "10m       | PT10M",
        "1h30m     | PT1H30M",
        "90s       | PT1M30S",
        "1.5h      | PT1H30M",
        "250ms     | PT0.25S",
        "1.5ms     | PT0.0015S",
        ".5m       | PT30S",
        "1.s       | PT1S",
        "30m1h     | PT1H30M",
        "1h1h      | PT2H",
        "0s        | PT0S",
        "0         | PT0S",
        "0.0h      | PT0S",
        "'  2m  '  | PT2M",
        "'\t1h\n'  | PT1H",
        "1h2m3s4ms | PT1H2M3.004S",
        "0.0000000015s | PT0.000000001S",
    })
    void parses(String text, Duration expected) throws InvalidValueException {
        assertThat(GoDuration.parse(text)).isEqualTo(expected);
    }

    @Test
    void parsesGosLargestDuration() throws InvalidValueException {
        assertThat(GoDuration.parse("2562047h47m16.854775807s")).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void rejectsEmpty(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("empty duration");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> GoDuration.parse(null)).hasMessage("empty duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"90", "1.5", "1h30", "00"})
    void rejectsMissingUnit(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid duration \"" + text + "\": missing unit (use e.g. 90s, 10m, 1h30m)");
    }

    @ParameterizedTest(name = "{0} has unknown unit {1}")
    @CsvSource({
        "1d, d",
        "2w, w",
        "1h1d, d",
        "5us, us",
        "5µs, µs",
        "5ns, ns",
        "1H, H",
        "1min, min",
        "10sec, sec",
        "1e3s, e",
    })
    void rejectsUnknownUnit(String text, String unit) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid duration \"" + text + "\": unknown unit \"" + unit + "\" (use h, m, s or ms)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "h", "-1s", "+1s", "1h 30m", "1 h", ".s", ".", "1..5s", "1.5.5s", "1h-", "PT1H",
        "1_000s", "٣s"})
    void rejectsGarbage(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid duration \"" + text + "\" (use e.g. 90s, 10m, 1h30m)");
    }

    @Test
    void quotesTheTrimmedText() {
        assertThatThrownBy(() -> GoDuration.parse("  1d "))
                .hasMessage("invalid duration \"1d\": unknown unit \"d\" (use h, m, s or ms)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2562048h", "2562047h47m17s", "99999999999999999999999999h", "2000000h2000000h"})
    void rejectsWhatGoCannotHold(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid duration \"" + text + "\": too large (over 292 years)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "PT0S, 0s",
        "PT10M, 10m",
        "PT1H30M, 1h30m",
        "PT90S, 1m30s",
        "PT24H, 24h",
        "PT1.5S, 1.5s",
        "PT0.5S, 500ms",
        "PT0.0015S, 1.5ms",
        "PT0.000000001S, 0.000001ms",
        "PT1H0.5S, 1h0.5s",
        "PT1H1S, 1h1s",
        "PT100H, 100h",
        "PT-1H-30M, -1h30m",
    })
    void formats(Duration duration, String expected) {
        assertThat(GoDuration.format(duration)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "24h, 24h",
        "1440m, 24h",
        "1.5h, 1h30m",
        "90s, 1m30s",
        "90m, 1h30m",
        "0.5s, 500ms",
        "1000ms, 1s",
        "1500ms, 1.5s",
        "0, 0s",
        "0.0m, 0s",
        "30m1h, 1h30m",
        "3600.25s, 1h0.25s",
    })
    void formatOfParseIsCanonical(String text, String canonical) throws InvalidValueException {
        assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(canonical);
        assertThat(GoDuration.format(GoDuration.parse(canonical))).isEqualTo(canonical);
        assertThat(GoDuration.parse(canonical)).isEqualTo(GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 999, 1_000_000, 999_999_999, 1_000_000_000, 1_000_000_001, 59_999_999_999L,
        3_600_000_000_001L, 86_399_999_999_999L, Long.MAX_VALUE})
    void parseGivesBackWhatFormatWrote(long nanos) throws InvalidValueException {
        Duration d = Duration.ofNanos(nanos);
        assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
    }
}
