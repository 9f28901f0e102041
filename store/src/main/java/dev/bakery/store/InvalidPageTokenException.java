package dev.bakery.store;

/** A {@code next} token that no listing of this store gave out (forged, truncated, or from another listing). */
public final class InvalidPageTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidPageTokenException(String message) {
        super(message);
    }
}
