package dev.bakery.local;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process bakery-local depends on (docker-registry, dynalite), started again when it dies
 * while bakery-local runs, on the same port or socket and data, so the next build finds it. A start
 * that fails is logged and tried again at the next check. close() stops the current one.
 */
final class Supervised<T extends AutoCloseable> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervised.class);
    private static final Duration CHECK = Duration.ofMillis(500);

    private final String what;
    private final Supplier<T> start;
    private final Predicate<T> alive;
    private final Thread thread;
    private volatile T current;

    /** Starts it now (failing as {@code start} fails) and watches it from then on. */
    Supervised(String what, Supplier<T> start, Predicate<T> alive) {
        this.what = what;
        this.start = start;
        this.alive = alive;
        this.current = start.get();
        this.thread = Thread.ofPlatform().name("bakery-watch-" + what).daemon().start(this::watch);
    }

    T current() {
        return current;
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(CHECK);
            } catch (InterruptedException e) {
                return;
            }
            if (!alive.test(current)) {
                LOG.warn("{} died: starting it again", what);
                closeQuietly(current);
                try {
                    current = start.get();
                    LOG.info("{} is running again", what);
                } catch (RuntimeException e) {
                    LOG.error("{} died and cannot be started again: {}", what, e.getMessage());
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // it is dead already
        }
    }

    @Override
    public void close() throws Exception {
        thread.interrupt();
        thread.join(5000);
        current.close();
    }
}
