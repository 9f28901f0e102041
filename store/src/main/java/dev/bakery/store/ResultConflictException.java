package dev.bakery.store;

/** A task result disagrees with the one already recorded (or the task is not running). */
public final class ResultConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResultConflictException(String message) {
        super(message);
    }
}
