package dev.bakery.cli.api;

/** The endpoint flags and environment do not say where the API is (a usage error, exit 2). */
public final class EndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EndpointException(String message) {
        super(message, null, false, false);
    }
}
