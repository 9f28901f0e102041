package dev.bakery.functions.live;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * WebSocket connections and who follows which build, in the single table: connection
 * {@code CONN#<id>}/{@code META} (principal, connectedAt, TTL 2 h) and subscription
 * {@code BUILD#<buildId>}/{@code SUB#<connectionId>} (TTL 2 h).
 */
public interface Subscriptions {

    /** How long connection and subscription items live: API Gateway closes a WebSocket after 2 h. */
    java.time.Duration TTL = java.time.Duration.ofHours(2);

    void connect(String connectionId, String principal, Instant at);

    /** Removes the connection and every subscription it had. */
    void disconnect(String connectionId);

    Optional<String> principal(String connectionId);

    void subscribe(String buildId, String connectionId, Instant at);

    void unsubscribe(String buildId, String connectionId);

    /** The connections following a build. */
    List<String> subscribers(String buildId);
}
