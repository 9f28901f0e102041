package dev.bakery.agent.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bakery.agent.log.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Fargate task's ARN from a loopback server that answers as the ECS task metadata endpoint (v4) does. */
class EcsTaskArnTest {

    private static final String ARN = "arn:aws:ecs:eu-west-1:111122223333:task/bakery/0123456789abcdef0123456789abcdef";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(new PrintStream(printed, true, StandardCharsets.UTF_8), Clock.systemUTC(),
            "b-1", "amd64", "amd64");
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves {@code body} with {@code status} at /v4/abc/task; returns ECS_CONTAINER_METADATA_URI_V4 for it. */
    private Map<String, String> metadata(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v4/abc/task", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return Map.of(EcsTaskArn.METADATA_URI, "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/abc");
    }

    @Test
    void readsTheTaskArnOfTheTaskMetadata() throws IOException {
        var env = metadata(200, "{\"Cluster\":\"arn:aws:ecs:eu-west-1:111122223333:cluster/bakery\",\"TaskARN\":\"" + ARN
                + "\",\"Family\":\"bakery-agent-amd64\",\"LaunchType\":\"FARGATE\"}");
        assertThat(EcsTaskArn.lookUp(env, TIMEOUT, log)).contains(ARN);
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void offEcsThereIsNoArnAndNothingIsSaid() {
        assertThat(EcsTaskArn.lookUp(Map.of(), TIMEOUT, log)).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anEndpointWithoutAnArnIsAWarningNotAFailure() throws IOException {
        var env = metadata(500, "{\"error\":\"metadata unavailable\"}");
        assertThat(EcsTaskArn.lookUp(env, TIMEOUT, log)).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("the ECS task metadata endpoint answered 500 without a task ARN");
    }

    @Test
    void anEndpointThatIsNotListeningIsAWarningNotAFailure() throws IOException {
        var env = metadata(200, "{}");
        server.stop(0);
        server = null;
        assertThat(EcsTaskArn.lookUp(env, TIMEOUT, log)).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("the ECS task metadata endpoint could not be read");
    }
}
