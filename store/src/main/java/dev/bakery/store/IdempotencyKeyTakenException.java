package dev.bakery.store;

/** Another build was created under the same caller's idempotency key first; this one was not kept. */
public final class IdempotencyKeyTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyKeyTakenException(String principal, String key) {
        super("idempotency key " + key + " of " + principal + " is already taken");
    }
}
