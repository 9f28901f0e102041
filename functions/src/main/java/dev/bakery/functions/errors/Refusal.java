package dev.bakery.functions.errors;

import java.util.Objects;

/**
 * A request the control plane refuses, in domain terms: which kind of refusal, a stable code
 * ({@code invalid_digest}, {@code not_found}, ...), a sentence for people, and the request field at
 * fault. Services throw it; only the REST layer turns {@link Kind} into an HTTP status.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the request cannot be served. */
    public enum Kind {
        /** Malformed or out-of-range input. */
        INVALID,
        /** The caller may not do this. */
        FORBIDDEN,
        NOT_FOUND,
        /** The request contradicts the current state (a finished build, a reused idempotency key). */
        CONFLICT,
        TOO_LARGE,
        /** Well-formed, but it cannot be carried out as asked (a missing context, an unknown platform). */
        UNPROCESSABLE,
        /** A service behind the control plane failed. */
        UPSTREAM_FAILED
    }

    private final Kind kind;
    private final String code;
    private final String path;

    /** @param path the request field at fault ({@code plan.tasks[0].arch}), or null */
    public Refusal(Kind kind, String code, String message, String path) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
        this.path = path;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String path() {
        return path;
    }
}
