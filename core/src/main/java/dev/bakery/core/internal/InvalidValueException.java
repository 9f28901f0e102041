package dev.bakery.core.internal;

/**
 * A value that cannot be accepted, with a sentence for the user. Value parsers throw it without
 * knowing where the value came from; the spec readers catch it and attach file, key path, line and
 * column (see {@code dev.bakery.core.Problem}).
 */
public final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message);
    }
}
