package dev.bakery.local.gateway;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client's socket; public because Jetty binds to its listener methods reflectively. */
public final class WebSocketConnection implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    private final String connectionId;
    private final WebSocketBridge bridge;

    WebSocketConnection(String connectionId, WebSocketBridge bridge) {
        this.connectionId = connectionId;
        this.bridge = bridge;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        bridge.opened(connectionId, session);
    }

    @Override
    public void onWebSocketText(String message) {
        bridge.received(connectionId, message);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        try {
            bridge.closed(connectionId);
        } finally {
            callback.succeed();
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("WebSocket {} failed", connectionId, cause);
    }
}
