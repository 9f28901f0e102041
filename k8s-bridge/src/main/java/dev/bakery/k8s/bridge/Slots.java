package dev.bakery.k8s.bridge;

import java.time.Duration;

/**
 * How many tasks run at once. Tasks adopted on restart take slots too, even beyond the limit (they
 * run already); the bridge then takes no new task until enough of them ended.
 */
final class Slots {

    private final int size;
    private int used;

    Slots(int size) {
        this.size = size;
    }

    /** @return whether a slot is free, waiting at most {@code max} for one */
    synchronized boolean awaitFree(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (used >= size) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized void take() {
        used++;
    }

    synchronized void release() {
        used--;
        notifyAll();
    }

    synchronized int used() {
        return used;
    }
}
