package dev.bakery.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

    private static final String SECRET = "s3cr3t-Value/+?";
    private static final byte[] BYTES = SECRET.getBytes(StandardCharsets.UTF_8);
    private final SecretMask mask = SecretMask.none().with(List.of(SECRET));

    @Test
    void everyEncodingOfTheValueIsMasked() {
        for (String printed : List.of(SECRET, new StringBuilder(SECRET).reverse().toString(),
                Base64.getEncoder().encodeToString(BYTES), Base64.getEncoder().withoutPadding().encodeToString(BYTES),
                Base64.getUrlEncoder().encodeToString(BYTES), Base64.getUrlEncoder().withoutPadding().encodeToString(BYTES),
                HexFormat.of().formatHex(BYTES), HexFormat.of().withUpperCase().formatHex(BYTES),
                HexFormat.ofDelimiter(" ").formatHex(BYTES), "s3cr3t-Value%2F%2B%3F", "%73%33%63%72%33%74%2D%56%61%6C%75%65%2F%2B%3F",
                "%73%33%63%72%33%74%2d%56%61%6c%75%65%2f%2b%3f")) {
            assertThat(mask.apply("printed: " + printed + " end")).as(printed).isEqualTo("printed: *** end");
        }
    }

    @Test
    void theValueInsideALongerBase64TextIsMaskedAtEveryAlignment() {
        for (String prefix : List.of("", "a", "ab", "abc", "user:", "ci-bot:")) {
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = encoder.encodeToString((prefix + SECRET + "\n{more}").getBytes(StandardCharsets.UTF_8));
                String masked = mask.apply(encoded);
                assertThat(masked).as(prefix).contains(SecretMask.MASK);
                // What is left decodes to at most a byte or two of the value on either side.
                assertThat(masked.replace(SecretMask.MASK, "").length()).isLessThan(encoded.length() - 14);
            }
        }
    }

    @Test
    void aValueShorterThanTheMinimumIsNotMasked() {
        SecretMask shortOnes = SecretMask.none().with(List.of("abc", "", "12"));
        assertThat(shortOnes.apply("abc 12 YWJj")).isEqualTo("abc 12 YWJj");
        assertThat(SecretMask.none().with(List.of("abcd")).apply("abcd dcba 61626364")).isEqualTo("*** *** ***");
    }
}
