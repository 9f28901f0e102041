package dev.bakery.functions.live;

/** The WebSocket connection no longer exists (API Gateway answers 410 Gone). */
public final class ConnectionGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String connectionId;

    public ConnectionGoneException(String connectionId) {
        super("connection " + connectionId + " is gone");
        this.connectionId = connectionId;
    }

    public String connectionId() {
        return connectionId;
    }
}
