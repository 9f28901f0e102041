package dev.bakery.functions.wiring;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made on first use, once. Java 21 has no memoizing supplier (StableValue is a later
 * preview), and a handler must build only the clients it calls: each costs cold-start time.
 */
final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> make;
    private volatile T value;

    private Lazy(Supplier<T> make) {
        this.make = Objects.requireNonNull(make, "make");
    }

    static <T> Lazy<T> of(Supplier<T> make) {
        return new Lazy<>(make);
    }

    @Override
    public T get() {
        T current = value;
        if (current == null) {
            synchronized (this) {
                current = value;
                if (current == null) {
                    current = Objects.requireNonNull(make.get(), "a wired part is never null");
                    value = current;
                }
            }
        }
        return current;
    }
}
