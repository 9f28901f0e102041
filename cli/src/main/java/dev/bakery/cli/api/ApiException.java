package dev.bakery.cli.api;

/**
 * The API refused a request ({@code {"error", "message", "path"}} with a 4xx or 5xx), or could not be
 * reached at all ({@link #status()} 0).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String path;

    public ApiException(int status, String code, String message, String path) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.path = path;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The API's error code ({@code not_found}, {@code invalid_plan}, ...), or a status-derived one. */
    public String code() {
        return code;
    }

    /** The request field at fault, or null. */
    public String path() {
        return path;
    }

    /** Whether the caller's request was at fault (and a retry would fail the same way). */
    public boolean isClientError() {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }
}
