package dev.bakery.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": the pause after the n-th failure is drawn from the upper
 * half of {@code min(max, first * 2^(n-1))}. For the code that talks to what has no AWS SDK client
 * (OCI registries, the Bakery REST and WebSocket APIs); the SDK's own clients use the SDK's retry
 * strategy instead.
 *
 * @param first the ceiling after the first failure
 * @param max   the ceiling never exceeded
 */
public record Backoff(Duration first, Duration max) {

    public static final Backoff NONE = new Backoff(Duration.ZERO, Duration.ZERO);

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 <= first <= max, not " + first + " and " + max);
        }
    }

    /** @param failures how many tries failed so far, 1 or more */
    public Duration pause(int failures) {
        long ceiling = Math.min(max.toMillis(), first.toMillis() << Math.clamp(failures - 1, 0, 20));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
