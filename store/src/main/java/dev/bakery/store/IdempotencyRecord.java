package dev.bakery.store;

/**
 * Remembers which build a caller's idempotency key started ({@code IDEMP#<principal>#<key>} / {@code META}).
 *
 * @param requestHash a digest of the request, to tell a retry from a different request reusing the key
 */
public record IdempotencyRecord(String principal, String key, String requestHash, String buildId) {
}
