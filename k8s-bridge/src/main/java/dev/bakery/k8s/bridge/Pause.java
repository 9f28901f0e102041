package dev.bakery.k8s.bridge;

import java.time.Duration;

final class Pause {

    private Pause() {
    }

    /** @return false when interrupted (the interrupt stays set) */
    static boolean of(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
