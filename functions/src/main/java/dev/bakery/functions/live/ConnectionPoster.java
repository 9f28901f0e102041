package dev.bakery.functions.live;

/** Sends a text frame to one WebSocket connection (API Gateway's PostToConnection, or the local server). */
public interface ConnectionPoster {

    /** The largest frame API Gateway accepts. */
    int MAX_FRAME_BYTES = 128 * 1024;

    /** @throws ConnectionGoneException when the connection is gone; throttling is retried inside */
    void post(String connectionId, String text);
}
