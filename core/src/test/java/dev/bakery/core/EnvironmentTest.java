package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    private final Environment env = new Environment(Map.of("TABLE", "bakery", "BLANK", " ", "LIMIT", "42",
            "ZERO", "0", "WORDS", "many", "URL", "https://x.example/prod", "FTP", "ftp://x", "BAD", "http://a b"));

    @Test
    void aMissingOrBlankVariableIsNamed() {
        assertThat(env.required("TABLE")).isEqualTo("bakery");
        assertThatThrownBy(() -> env.required("NOPE")).hasMessage("environment variable NOPE is not set");
        assertThatThrownBy(() -> env.required("BLANK")).hasMessage("environment variable BLANK is not set");
        assertThat(env.optional("BLANK")).isNull();
    }

    @Test
    void numbersArePositiveWholeNumbersOrTheFallback() {
        assertThat(env.positive("LIMIT", 7)).isEqualTo(42);
        assertThat(env.positive("NOPE", 7)).isEqualTo(7);
        assertThatThrownBy(() -> env.positive("ZERO", 7))
                .hasMessage("environment variable ZERO must be a positive whole number, not 0");
        assertThatThrownBy(() -> env.positive("WORDS", 7))
                .hasMessage("environment variable WORDS must be a positive whole number, not many");
    }

    @Test
    void urlsAreHttpOrHttps() {
        assertThat(env.url("URL")).isEqualTo(URI.create("https://x.example/prod"));
        assertThatThrownBy(() -> env.url("FTP")).hasMessage("environment variable FTP must be an https:// URL, not ftp://x");
        assertThatThrownBy(() -> env.url("BAD")).hasMessageStartingWith("environment variable BAD is not a URL");
    }
}
