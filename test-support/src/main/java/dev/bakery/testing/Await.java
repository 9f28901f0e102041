package dev.bakery.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for something another thread or process makes true, with a message that says what never came. */
public final class Await {

    private Await() {
    }

    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
