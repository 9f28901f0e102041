package dev.bakery.functions.api;

/**
 * A request the API refuses, answered as JSON {@code {"error": code, "message": ..., "path": ...}}
 * with the given HTTP status. Services throw it; the handler turns it into the response.
 *
 * @see #status()
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String path;

    /**
     * @param status HTTP status (400, 404, 409, 413, 422, ...)
     * @param code   a stable machine-readable code, e.g. {@code invalid_digest}
     * @param message a human sentence
     * @param path   the request field at fault ({@code plan.tasks[0].arch}), or null
     */
    public ApiException(int status, String code, String message, String path) {
        super(message);
        this.status = status;
        this.code = code;
        this.path = path;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String path() {
        return path;
    }
}
