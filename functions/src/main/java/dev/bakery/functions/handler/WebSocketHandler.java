package dev.bakery.functions.handler;

import dev.bakery.functions.wiring.ControlPlane;
import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.functions.live.ConnectionGoneException;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.functions.live.WebSocketRoutes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The WebSocket API's Lambda (IAM auth on {@code $connect}). Routes by {@code routeKey}:
 * {@code $connect} records the connection and the caller's principal, {@code $disconnect} removes
 * it, and every other route ({@code subscribe}, {@code unsubscribe}, {@code $default}) is a message
 * whose answer {@link WebSocketRoutes} decides and this handler posts back to the caller. Answers
 * 200 when the event was handled (a refused request is still handled: the client gets an error
 * message), 500 when something failed unexpectedly, which on {@code $connect} refuses the connection.
 */
public final class WebSocketHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    static {
        TlsTrustWarmUp.start(); // first: the rest of this class's initialisation runs meanwhile
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHandler.class);

    private final WebSocketRoutes routes;
    private final ConnectionPoster poster;

    /** Production wiring from the environment: AWS_REGION, TABLE_NAME and WEBSOCKET_ENDPOINT. */
    public WebSocketHandler() {
        this(AwsEdges.controlPlane(Environment.system()));
    }

    private WebSocketHandler(ControlPlane plane) {
        this(plane.webSocketRoutes(), plane.connections());
    }

    /** With its routes and poster given: the local mode posts to its own sockets. */
    public WebSocketHandler(WebSocketRoutes routes, ConnectionPoster poster) {
        this.routes = routes;
        this.poster = poster;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return context == null ? serve(event, null) : PowertoolsLogging.withLogging(context, () -> serve(event, context));
    }

    private APIGatewayV2WebSocketResponse serve(APIGatewayV2WebSocketEvent event, Context context) {
        APIGatewayV2WebSocketEvent.RequestContext request = event == null ? null : event.getRequestContext();
        if (request == null || request.getConnectionId() == null || request.getRouteKey() == null) {
            LOG.warn("not a WebSocket event: no request context, connection id or route key");
            return response(400);
        }
        String connectionId = request.getConnectionId();
        String route = request.getRouteKey();
        MDC.put("connectionId", connectionId);
        try {
            switch (route) {
                case "$connect" -> {
                    String principal = request.getIdentity() == null ? null : request.getIdentity().getUserArn();
                    routes.connect(connectionId, principal);
                    LOG.info("connected: {}", principal);
                }
                case "$disconnect" -> {
                    routes.disconnect(connectionId);
                    LOG.info("disconnected");
                }
                // subscribe, unsubscribe, $default, and any route added later: the body says what is wanted
                default -> reply(connectionId, routes.message(connectionId, body(event)));
            }
            return response(200);
        } catch (RuntimeException e) {
            String requestId = context == null ? "" : " (request " + context.getAwsRequestId() + ")";
            LOG.error("unexpected error on route {}{}", route, requestId, e);
            if (!route.equals("$connect") && !route.equals("$disconnect")) {
                tryReply(connectionId, new LiveMessage.Error("internal_error", "something went wrong" + requestId));
            }
            return response(500);
        } finally {
            MDC.remove("connectionId");
        }
    }

    private void reply(String connectionId, LiveMessage message) {
        if (message instanceof LiveMessage.Error error) {
            LOG.info("refused: {} ({})", error.error(), error.message());
        }
        try {
            poster.post(connectionId, LiveMessages.write(message));
        } catch (ConnectionGoneException e) {
            // The client left before its answer: $disconnect may never come, so clean up now.
            LOG.info("connection gone before the answer; removing it");
            routes.disconnect(connectionId);
        }
    }

    private void tryReply(String connectionId, LiveMessage message) {
        try {
            poster.post(connectionId, LiveMessages.write(message));
        } catch (RuntimeException e) {
            LOG.warn("could not tell the client about the error either", e);
        }
    }

    private static String body(APIGatewayV2WebSocketEvent event) {
        String body = event.getBody();
        if (body != null && event.isIsBase64Encoded()) {
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return body; // the routes answer that it is not JSON
            }
        }
        return body;
    }

    private static APIGatewayV2WebSocketResponse response(int status) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        return response;
    }
}
