package dev.bakery.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));

    @RepeatedTest(20)
    void eachPauseIsInTheUpperHalfOfADoublingCeilingThatStopsAtMax() {
        assertThat(backoff.pause(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.pause(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(backoff.pause(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(backoff.pause(5)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(backoff.pause(Integer.MAX_VALUE)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void noneNeverWaits() {
        assertThat(Backoff.NONE.pause(7)).isZero();
    }

    @Test
    void aFirstPauseAboveTheMaxIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first <= max");
    }
}
