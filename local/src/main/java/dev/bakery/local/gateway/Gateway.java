package dev.bakery.local.gateway;

import dev.bakery.aws.SigV4Verifier;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.bakery.local.LocalAws;
import dev.bakery.local.LocalKeys;
import dev.bakery.local.UserError;
import dev.bakery.local.secrets.LocalSecretVault;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * One Jetty server on 127.0.0.1: the REST routes at {@code /} and the WebSocket API at {@code /ws},
 * both handing API Gateway events to the real handlers, and Secrets Manager's GetSecretValue for
 * agents ({@code POST /} with a {@code secretsmanager.*} X-Amz-Target). Every request is signed with
 * the run's keys and comes from no browser ({@link CallerCheck}), the WebSocket upgrade included.
 */
public final class Gateway implements AutoCloseable {

    /** API Gateway closes idle WebSocket connections after 10 minutes. */
    private static final Duration WEBSOCKET_IDLE = Duration.ofMinutes(10);

    private final Server jetty;
    private final ServerConnector connector;

    private Gateway(Server jetty, ServerConnector connector) {
        this.jetty = jetty;
        this.connector = connector;
    }

    /**
     * @param port  0 for a free one
     * @param vault what GetSecretValue answers from
     * @param keys  the only keys whose signatures are accepted
     */
    public static Gateway start(int port, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> rest,
            RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> webSocket,
            LocalConnections connections, LocalSecretVault vault, LocalKeys keys) {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(jetty, container -> {
            container.setIdleTimeout(WEBSOCKET_IDLE);
            container.setMaxTextMessageSize(64 * 1024);
            container.addMapping("/ws", new WebSocketBridge(webSocket, connections));
        });
        SigV4Verifier verifier = new SigV4Verifier(keys.credentials(), LocalAws.REGION.id(), SecretsManagerEndpoint.SERVICE,
                List.of("x-amz-target"), Clock.systemUTC());
        upgrade.setHandler(new SecretsManagerEndpoint(vault, verifier, new RestBridge(rest)));
        jetty.setHandler(new CallerCheck(new SigV4Verifier(keys.credentials(), LocalAws.REGION.id(), CallerCheck.SERVICE,
                List.of(), Clock.systemUTC()), connector::getLocalPort, upgrade));
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty);
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("Failed to bind")) {
                throw new UserError("port " + port + " on 127.0.0.1 is taken (is bakery-local already running?): "
                        + "stop what uses it, or pass --port N (0 picks a free port)");
            }
            throw new IllegalStateException("cannot start the local API server: " + e.getMessage(), e);
        }
        return new Gateway(jetty, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public URI restUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the local API server", e);
        }
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception ignored) {
            // it did not start
        }
    }
}
