package dev.bakery.registry;

/** A registry refused or failed a request; the message says which registry, what and why. */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0 when the registry could not be reached. */
    public int status() {
        return status;
    }
}
