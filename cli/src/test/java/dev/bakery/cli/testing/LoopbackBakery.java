package dev.bakery.cli.testing;

import dev.bakery.store.testing.LocalDynamo;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.functions.handler.RestApiHandler;
import dev.bakery.functions.live.ConnectionGoneException;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.functions.live.DynamoSubscriptions;
import dev.bakery.functions.live.WebSocketRoutes;
import dev.bakery.functions.testing.ApiHarness;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.aws.SigV4Verifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The Bakery API on 127.0.0.1 with the real server code behind a small Jetty front, as the local mode
 * will serve it: HTTP requests become API Gateway proxy events for {@link RestApiHandler} (over
 * dynalite, S3Proxy and the loopback Step Functions / CloudWatch Logs of {@link ApiHarness}),
 * and WebSocket connections go through {@link WebSocketRoutes} with subscriptions in dynalite;
 * pushes reach the socket through a {@link ConnectionPoster}, as PostToConnection would. Like the local
 * mode, it takes only requests (the WebSocket upgrade too) signed with its keys, which
 * {@link #writeEndpointFile} hands the CLI as bakery-local's endpoint file does.
 * {@link AgentPlay} plays the agents and the state machine against it.
 */
public final class LoopbackBakery implements AutoCloseable {

    /** The local mode's principal (contracts, section 3). */
    public static final String PRINCIPAL = "arn:aws:iam::000000000000:user/bakery-local";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The keys the CLI reads from the endpoint file and signs with. */
    public static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("BKLLOOPBACK000000000", "loopback".repeat(5));
    private static final Pattern BUILD = Pattern.compile("/builds/([^/]+)");
    private static final Pattern BUILD_LOGS = Pattern.compile("/builds/([^/]+)/logs");

    public final ApiHarness harness = new ApiHarness(256 * 1024, 1L << 30);
    public final DynamoSubscriptions subscriptions = new DynamoSubscriptions(harness.dynamo.client(),
            dev.bakery.store.testing.LocalDynamo.TABLE, Clock.systemUTC());
    private final WebSocketRoutes routes = new WebSocketRoutes(subscriptions, harness.store, harness.ownership, Clock.systemUTC());
    private final RestApiHandler rest = new RestApiHandler(harness.api);
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger connectsToRefuse = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();
    /** Every REST request as "METHOD /path", in arrival order. */
    public final java.util.List<String> requests = new CopyOnWriteArrayList<>();
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final SigV4Verifier verifier = new SigV4Verifier(KEYS, "us-east-1", "execute-api", List.of(), Clock.systemUTC());

    public LoopbackBakery() {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container ->
                container.addMapping("/ws", (request, response, callback) -> {
                    if (refusal(request, new byte[0]).isPresent()
                            || connectsToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        Response.writeError(request, response, callback, 403); // as API Gateway refuses a bad signature
                        return null;
                    }
                    return new Socket();
                }));
        ws.setHandler(new Rest());
        server.setHandler(ws);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the loopback Bakery did not start", e);
        }
    }

    public URI rest() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    public URI websocket() {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws");
    }

    /**
     * Writes {@code <localDir>/endpoint.json} naming this server and its keys, as bakery-local does: the
     * CLI with {@code --endpoint local} (or this {@link #rest} URL) and BAKERY_LOCAL_DIR there finds it.
     */
    public Path writeEndpointFile(Path localDir) {
        ObjectNode json = JSON.createObjectNode().put("rest", rest().toString()).put("websocket", websocket().toString())
                .put("pid", ProcessHandle.current().pid()).put("region", "us-east-1");
        json.putObject("credentials").put("accessKeyId", KEYS.accessKeyId()).put("secretAccessKey", KEYS.secretAccessKey());
        try {
            return Files.writeString(Files.createDirectories(localDir).resolve("endpoint.json"), json.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Why the request is not signed with {@link #KEYS}, if it is not. */
    private Optional<SigV4Verifier.Refusal> refusal(Request request, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach(h -> headers.computeIfAbsent(h.getName(), n -> new java.util.ArrayList<>()).add(h.getValue()));
        return verifier.verify(request.getMethod(), URI.create(request.getHttpURI().getPathQuery()), headers, body);
    }

    /** Posts to open connections, as API Gateway's PostToConnection: a closed one is Gone. */
    public ConnectionPoster poster() {
        return (connectionId, text) -> {
            Session session = sessions.get(connectionId);
            if (session == null || !session.isOpen()) {
                throw new ConnectionGoneException(connectionId);
            }
            synchronized (session) {
                var sent = new java.util.concurrent.CompletableFuture<Void>();
                session.sendText(text, org.eclipse.jetty.websocket.api.Callback.from(() -> sent.complete(null), sent::completeExceptionally));
                try {
                    sent.get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new ConnectionGoneException(connectionId);
                }
            }
        };
    }

    /** Drops every open socket without a close handshake, as a network failure or API Gateway's 2-hour limit does. */
    public int dropSockets() {
        int dropped = 0;
        for (Session session : sessions.values()) {
            session.disconnect();
            dropped++;
        }
        return dropped;
    }

    /** The next {@code n} WebSocket connects are refused. */
    public void refuseConnects(int n) {
        connectsToRefuse.set(n);
    }

    /** WebSocket connections accepted so far. */
    public int connects() {
        return connects.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping a test server: nothing to do about it
        }
        harness.close();
    }

    /** $connect, messages, $disconnect: one connection id per socket, like API Gateway (public: Jetty calls it by method handles). */
    public final class Socket implements Session.Listener.AutoDemanding {
        private final String connectionId = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 14) + "=";
        @Override
        public void onWebSocketOpen(Session session) {
            routes.connect(connectionId, PRINCIPAL);
            sessions.put(connectionId, session);
            connects.incrementAndGet();
        }

        @Override
        public void onWebSocketText(String message) {
            poster().post(connectionId, LiveMessages.write(routes.message(connectionId, message)));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
            gone();
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            gone();
        }

        private void gone() {
            if (sessions.remove(connectionId) != null) {
                routes.disconnect(connectionId);
            }
        }
    }

    /** REST: the request as API Gateway's proxy event, the handler's answer as the response. */
    private final class Rest extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            byte[] bytes = Content.Source.asInputStream(request).readAllBytes();
            Optional<SigV4Verifier.Refusal> refused = refusal(request, bytes);
            if (refused.isPresent()) {
                response.setStatus(403);
                Content.Sink.write(response, true, JSON.writeValueAsString(Map.of("message", refused.get().message())), callback);
                return true;
            }
            requests.add(method + " " + path);
            APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path);
            Map<String, String> pathParameters = new LinkedHashMap<>();
            Matcher logs = BUILD_LOGS.matcher(path);
            Matcher build = BUILD.matcher(path);
            if (path.equals("/contexts") || path.equals("/builds")) {
                event.setResource(path);
            } else if (logs.matches()) {
                event.setResource("/builds/{id}/logs");
                pathParameters.put("id", java.net.URLDecoder.decode(logs.group(1), StandardCharsets.UTF_8));
            } else if (build.matches()) {
                event.setResource("/builds/{id}");
                pathParameters.put("id", java.net.URLDecoder.decode(build.group(1), StandardCharsets.UTF_8));
            } else {
                event.setResource(path);
            }
            event.setPathParameters(pathParameters.isEmpty() ? null : pathParameters);
            Fields query = Request.extractQueryParameters(request);
            if (query.getSize() > 0) {
                Map<String, String> parameters = new LinkedHashMap<>();
                query.forEach(f -> parameters.put(f.getName(), f.getValue()));
                event.setQueryStringParameters(parameters);
            }
            event.setBody(bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8));
            event.setRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                    .withRequestId(UUID.randomUUID().toString())
                    .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(PRINCIPAL)));
            APIGatewayProxyResponseEvent answer = rest.handleRequest(event, null);
            response.setStatus(answer.getStatusCode());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, answer.getBody() == null ? "" : answer.getBody(), callback);
            return true;
        }
    }
}
