package dev.bakery.functions.handler;

import dev.bakery.functions.builds.Ownership;

import dev.bakery.core.Environment;
import dev.bakery.functions.live.ApiGatewayConnections;
import dev.bakery.functions.wiring.AwsEdges;
import dev.bakery.functions.wiring.ControlPlane;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.BuildPlanner;
import dev.bakery.core.PlanRequest;
import dev.bakery.core.SourceFile;
import dev.bakery.core.live.LiveMessage;
import dev.bakery.core.live.LiveMessages;
import dev.bakery.functions.live.ConnectionGoneException;
import dev.bakery.functions.live.ConnectionPoster;
import dev.bakery.functions.live.DynamoSubscriptions;
import dev.bakery.functions.live.WebSocketRoutes;
import dev.bakery.store.BuildRecord;
import dev.bakery.core.status.BuildStatus;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import dev.bakery.store.testing.Builds;
import dev.bakery.store.testing.LocalDynamo;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler as API Gateway calls it: WebSocket events in, answers posted back to the caller. */
class WebSocketHandlerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String PRINCIPAL = "arn:aws:iam::123456789012:user/ci";
    private static final String BUILD = "b-20261122T100000-handler1-web";

    private static LocalDynamo dynamo;
    private static DynamoSubscriptions subscriptions;
    private static WebSocketRoutes routes;

    /** What the handler posted, and to whom; connections in {@code gone} answer 410. */
    private record Frame(String connectionId, LiveMessage message) {
    }

    private final List<Frame> posted = new ArrayList<>();
    private final Set<String> gone = new HashSet<>();
    private final ConnectionPoster poster = (connectionId, text) -> {
        if (gone.contains(connectionId)) {
            throw new ConnectionGoneException(connectionId);
        }
        posted.add(new Frame(connectionId, LiveMessages.read(text)));
    };
    private WebSocketHandler handler;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        BuildStore store = new BuildStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        subscriptions = new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        routes = new WebSocketRoutes(subscriptions, store, new Ownership(List.of()), Clock.systemUTC());
        BuildPlan plan = BuildPlanner.plan(PlanRequest.ofConfig(SourceFile.of("config.yaml",
                "bake: [{arch: amd64, kaniko: {destination: \"localhost:5000/app:1\"}}]"))).builds().getFirst().plan();
        Builds.create(store, BuildRecord.queued(BUILD, plan, "contexts/c.tar.gz", PRINCIPAL, Map.of(), T0, null),
                List.of(TaskRecord.pending(BUILD, "amd64", "amd64")));
        store.transition(BUILD, Set.of(BuildStatus.QUEUED), BuildStatus.RUNNING, null);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @BeforeEach
    void handler() {
        handler = new WebSocketHandler(routes, poster);
    }

    /** An event shaped as API Gateway sends it (IAM auth: the caller's ARN in identity.userArn). */
    private static APIGatewayV2WebSocketEvent event(String routeKey, String connectionId, String body) {
        APIGatewayV2WebSocketEvent.RequestIdentity identity = new APIGatewayV2WebSocketEvent.RequestIdentity();
        identity.setUserArn(PRINCIPAL);
        identity.setAccountId("123456789012");
        identity.setSourceIp("192.0.2.10");
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setRouteKey(routeKey);
        context.setConnectionId(connectionId);
        context.setEventType(switch (routeKey) {
            case "$connect" -> "CONNECT";
            case "$disconnect" -> "DISCONNECT";
            default -> "MESSAGE";
        });
        context.setMessageDirection("IN");
        context.setDomainName("abc123.execute-api.eu-west-1.amazonaws.com");
        context.setStage("live");
        context.setApiId("abc123");
        context.setRequestId("req-" + connectionId);
        context.setConnectedAt(T0.toEpochMilli());
        context.setIdentity(identity);
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }

    private APIGatewayV2WebSocketResponse send(String routeKey, String connectionId, String body) {
        return handler.handleRequest(event(routeKey, connectionId, body), null);
    }

    @Test
    void connectSubscribeAndDisconnect() {
        assertThat(send("$connect", "conn-1=", null).getStatusCode()).isEqualTo(200);
        assertThat(subscriptions.principal("conn-1=")).contains(PRINCIPAL);
        assertThat(posted).isEmpty();

        APIGatewayV2WebSocketResponse subscribed = send("subscribe", "conn-1=",
                "{\"action\":\"subscribe\",\"buildId\":\"" + BUILD + "\"}");

        assertThat(subscribed.getStatusCode()).isEqualTo(200);
        assertThat(posted).containsExactly(new Frame("conn-1=", new LiveMessage.Status(BUILD, "RUNNING", null, null, null)));
        assertThat(subscriptions.subscribers(BUILD)).contains("conn-1=");

        assertThat(send("$disconnect", "conn-1=", null).getStatusCode()).isEqualTo(200);
        assertThat(subscriptions.subscribers(BUILD)).doesNotContain("conn-1=");
        assertThat(subscriptions.principal("conn-1=")).isEmpty();
        assertThat(send("$disconnect", "conn-1=", null).getStatusCode()).isEqualTo(200);
    }

    @Test
    void theDefaultRouteAnswersAnUnknownActionWithAnError() {
        send("$connect", "conn-2", null);

        assertThat(send("$default", "conn-2", "{\"action\":\"follow\"}").getStatusCode()).isEqualTo(200);
        assertThat(send("$default", "conn-2", "not json").getStatusCode()).isEqualTo(200);

        assertThat(posted).extracting(Frame::connectionId).containsExactly("conn-2", "conn-2");
        assertThat(posted).extracting(Frame::message).allSatisfy(m -> assertThat(m).isInstanceOf(LiveMessage.Error.class));
        assertThat(((LiveMessage.Error) posted.get(0).message()).error()).isEqualTo("unknown_action");
        assertThat(((LiveMessage.Error) posted.get(1).message()).error()).isEqualTo("invalid_json");
    }

    @Test
    void unsubscribeAndABase64Body() {
        send("$connect", "conn-3", null);
        APIGatewayV2WebSocketEvent subscribe = event("subscribe", "conn-3", Base64.getEncoder().encodeToString(
                ("{\"action\":\"subscribe\",\"buildId\":\"" + BUILD + "\"}").getBytes(StandardCharsets.UTF_8)));
        subscribe.setIsBase64Encoded(true);
        handler.handleRequest(subscribe, null);
        assertThat(subscriptions.subscribers(BUILD)).contains("conn-3");

        assertThat(send("unsubscribe", "conn-3", "{\"action\":\"unsubscribe\",\"buildId\":\"" + BUILD + "\"}")
                .getStatusCode()).isEqualTo(200);

        assertThat(subscriptions.subscribers(BUILD)).doesNotContain("conn-3");
        assertThat(posted).extracting(Frame::message).containsExactly(
                new LiveMessage.Status(BUILD, "RUNNING", null, null, null),
                new LiveMessage.Status(BUILD, "RUNNING", null, null, null));
    }

    @Test
    void aCallerGoneBeforeItsAnswerIsRemoved() {
        send("$connect", "conn-4", null);
        gone.add("conn-4");

        assertThat(send("subscribe", "conn-4", "{\"action\":\"subscribe\",\"buildId\":\"" + BUILD + "\"}")
                .getStatusCode()).isEqualTo(200);

        assertThat(posted).isEmpty();
        assertThat(subscriptions.principal("conn-4")).isEmpty();
        assertThat(subscriptions.subscribers(BUILD)).doesNotContain("conn-4");
    }

    @Test
    void anUnexpectedFailureAnswers500AndTellsTheCaller() {
        // a table that does not exist: dynalite's real ResourceNotFoundException
        DynamoSubscriptions broken = new DynamoSubscriptions(dynamo.client(), "no-such-table", Clock.systemUTC());
        handler = new WebSocketHandler(new WebSocketRoutes(broken,
                new BuildStore(dynamo.client(), "no-such-table", Clock.systemUTC()), new Ownership(List.of()), Clock.systemUTC()), poster);

        assertThat(send("$connect", "conn-5", null).getStatusCode()).isEqualTo(500);
        assertThat(posted).isEmpty();
        assertThat(send("$default", "conn-5", "{\"action\":\"subscribe\",\"buildId\":\"" + BUILD + "\"}")
                .getStatusCode()).isEqualTo(500);
        assertThat(posted).containsExactly(new Frame("conn-5", new LiveMessage.Error("internal_error", "something went wrong")));
    }

    @Test
    void theProductionWiringReadsTheEnvironmentAndNamesWhatIsMissing() {
        ControlPlane plane = AwsEdges.controlPlane(new Environment(Map.of("AWS_REGION", "eu-west-1",
                "TABLE_NAME", "bakery", "WEBSOCKET_ENDPOINT", "https://abc123.execute-api.eu-west-1.amazonaws.com/live")));
        assertThat(plane.connections()).isInstanceOf(ApiGatewayConnections.class);
        assertThat(plane.webSocketRoutes()).isNotNull();

        assertThatThrownBy(() -> AwsEdges.controlPlane(new Environment(Map.of("AWS_REGION", "eu-west-1", "TABLE_NAME", "bakery")))
                .connections()).isInstanceOf(IllegalStateException.class).hasMessage("environment variable WEBSOCKET_ENDPOINT is not set");
        assertThatThrownBy(() -> AwsEdges.controlPlane(new Environment(Map.of("AWS_REGION", "eu-west-1", "TABLE_NAME", "bakery",
                "WEBSOCKET_ENDPOINT", "wss://abc123.execute-api.eu-west-1.amazonaws.com/live"))).connections())
                .hasMessageStartingWith("environment variable WEBSOCKET_ENDPOINT must be an https:// URL");
        assertThatThrownBy(() -> AwsEdges.controlPlane(new Environment(Map.of("AWS_REGION", "eu-west-1"))).webSocketRoutes())
                .hasMessage("environment variable TABLE_NAME is not set");
    }

    @Test
    void anEventWithoutConnectionIsRefused() {
        assertThat(handler.handleRequest(new APIGatewayV2WebSocketEvent(), null).getStatusCode()).isEqualTo(400);
        assertThat(posted).isEmpty();
    }
}
