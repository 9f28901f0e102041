package dev.bakery.cli;

/** The command line asks for something impossible (exit 2); the message says what to change. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
