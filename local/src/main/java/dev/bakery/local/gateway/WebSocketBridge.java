package dev.bakery.local.gateway;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * Plays API Gateway's WebSocket API in front of the WebSocket handler: {@code $connect} before the
 * upgrade (a refusal answers the handshake with 500, as API Gateway does), each text frame a
 * message event routed by its {@code action}, and {@code $disconnect} when the socket closes.
 */
final class WebSocketBridge implements WebSocketCreator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler;
    private final LocalConnections connections;

    WebSocketBridge(RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
            LocalConnections connections) {
        this.handler = handler;
        this.connections = connections;
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String connectionId = LocalConnections.newId();
        int status = handler.handleRequest(ApiEvents.connect(connectionId), null).getStatusCode();
        if (status != 200) {
            Response.writeError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            return null;
        }
        return new WebSocketConnection(connectionId, this);
    }

    void opened(String connectionId, Session session) {
        connections.open(connectionId, session);
    }

    void received(String connectionId, String message) {
        handler.handleRequest(ApiEvents.message(connectionId, message, action(message)), null);
    }

    void closed(String connectionId) {
        connections.closed(connectionId);
        handler.handleRequest(ApiEvents.disconnect(connectionId), null);
    }

    /** {@code $request.body.action}, or null when the frame has none. */
    private static String action(String message) {
        try {
            JsonNode body = JSON.readTree(message);
            return body != null && body.path("action").isTextual() ? body.get("action").asText() : null;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }
}
