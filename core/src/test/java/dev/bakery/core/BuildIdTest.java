package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildIdTest {

    private static final Instant NOW = Instant.parse("2026-12-07T22:10:05Z");

    @Test
    void anIdSortsByTimeAndNamesItsService() {
        String id = BuildId.next(NOW, "Web.API");
        assertThat(id).matches("b-20261207T221005-[a-z2-7]{8}-web-api");
        assertThat(BuildId.isValid(id)).isTrue();
        assertThat(BuildId.next(NOW.plusSeconds(1), "a")).isGreaterThan(BuildId.next(NOW, "a"));
    }

    @Test
    void aLongServiceNameIsCutToAnExecutionNamesEightyCharacters() {
        String id = BuildId.next(NOW, "s".repeat(200));
        assertThat(id).hasSize(BuildId.MAX_LENGTH);
        assertThat(BuildId.isValid(id)).isTrue();
    }

    @Test
    void noServiceMeansNoSuffix() {
        assertThat(BuildId.next(NOW, null)).matches("b-20261207T221005-[a-z2-7]{8}");
        assertThat(BuildId.next(NOW, "...")).matches("b-20261207T221005-[a-z2-7]{8}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x-1", "b-", "b-../../etc", "b-a/b", "b-a b", "b-\u00e9"})
    void whatIsNotAnIdIsRefused(String text) {
        assertThat(BuildId.isValid(text)).isFalse();
    }

    @Test
    void nullAndTooLongAreRefused() {
        assertThat(BuildId.isValid(null)).isFalse();
        assertThat(BuildId.isValid("b-" + "a".repeat(BuildId.MAX_LENGTH))).isFalse();
    }
}
