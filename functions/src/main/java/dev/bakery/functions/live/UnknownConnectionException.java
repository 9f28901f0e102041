package dev.bakery.functions.live;

/** A subscription was asked for a WebSocket connection that is not (or no longer) recorded. */
public final class UnknownConnectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String connectionId;

    public UnknownConnectionException(String connectionId) {
        super("connection " + connectionId + " is not connected");
        this.connectionId = connectionId;
    }

    public String connectionId() {
        return connectionId;
    }
}
