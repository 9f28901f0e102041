package dev.bakery.functions.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.functions.aws.AwsClients;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

class ApiGatewayConnectionsTest {

    private LoopbackApiGateway api;
    private ApiGatewayConnections connections;

    @BeforeEach
    void start() {
        api = LoopbackApiGateway.start();
        connections = api.connections();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void postsTheFrameSignedForExecuteApi() {
        // Real connection ids end in '=': the path segment is percent-encoded and the signature must still match.
        api.connect("L0SM9cOFvHcCIhw=", "plain");
        connections.post("L0SM9cOFvHcCIhw=", "{\"type\":\"log\",\"buildId\":\"b-1\",\"lines\":[{\"msg\":\"héllo ✓\"}]}");
        connections.post("plain", "second");

        assertThat(api.posts()).containsExactly(
                new LoopbackApiGateway.Post("L0SM9cOFvHcCIhw=",
                        "{\"type\":\"log\",\"buildId\":\"b-1\",\"lines\":[{\"msg\":\"héllo ✓\"}]}"),
                new LoopbackApiGateway.Post("plain", "second"));
        assertThat(api.requests()).isEqualTo(2);
    }

    @Test
    void trailingSlashAndWssEndpointsAreTheSameApi() {
        api.connect("c1");
        URI wss = URI.create(api.endpoint().toString().replace("http://", "ws://") + "/");
        new ApiGatewayConnections(wss, LoopbackApiGateway.clients()).post("c1", "x");
        assertThat(api.postsTo("c1")).containsExactly("x");
    }

    @Test
    void goneIsConnectionGoneException() {
        api.connect("c1");
        api.disconnect("c1");
        assertThatThrownBy(() -> connections.post("c1", "x"))
                .isInstanceOfSatisfying(ConnectionGoneException.class, e -> assertThat(e.connectionId()).isEqualTo("c1"));
        assertThatThrownBy(() -> connections.post("never-connected", "x")).isInstanceOf(ConnectionGoneException.class);
        assertThat(api.requests()).isEqualTo(2); // 410 is final: no retry
        assertThat(api.posts()).isEmpty();
    }

    @Test
    void throttlingIsRetried() {
        api.connect("c1");
        api.throttle(2);
        connections.post("c1", "after two 429s");
        assertThat(api.requests()).isEqualTo(3);
        assertThat(api.postsTo("c1")).containsExactly("after two 429s");
    }

    @Test
    void serverErrorsAreRetriedToo() {
        api.connect("c1");
        api.failServer(3);
        connections.post("c1", "after three 500s");
        assertThat(api.requests()).isEqualTo(4);
        assertThat(api.postsTo("c1")).containsExactly("after three 500s");
    }

    @Test
    void endlessThrottlingGivesUpAfterTheLastTry() {
        api.connect("c1");
        api.throttle(100);
        assertThatThrownBy(() -> connections.post("c1", "x"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.isThrottlingException()).isTrue())
                .hasMessageContaining("PostToConnection to c1 failed after 4 tries")
                .hasMessageContaining("LimitExceededException")
                .hasMessageContaining("throttling");
        assertThat(api.requests()).isEqualTo(4);
        assertThat(api.posts()).isEmpty();
    }

    @Test
    void forbiddenNamesTheMissingPermission() {
        api.connect("c1");
        api.deny();
        assertThatThrownBy(() -> connections.post("c1", "x"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(403))
                .hasMessageContaining("execute-api:ManageConnections")
                .hasMessageContaining("AccessDeniedException");
        assertThat(api.requests()).isEqualTo(1);
    }

    @Test
    void aSignatureForAnotherRegionIsRefusedAsForbidden() {
        api.connect("c1");
        AwsClients clients = LoopbackApiGateway.clients();
        ApiGatewayConnections wrongRegion = new ApiGatewayConnections(api.endpoint(),
                new AwsClients(Region.US_EAST_1, clients.credentials(), clients.http(), clients.retries()));
        assertThatThrownBy(() -> wrongRegion.post("c1", "x"))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("InvalidSignatureException")
                .hasMessageContaining("region");
        ApiGatewayConnections wrongSecret = new ApiGatewayConnections(api.endpoint(), new AwsClients(clients.region(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(dev.bakery.functions.aws.LoopbackAws.ACCESS_KEY,
                        "not-the-secret")), clients.http(), clients.retries()));
        assertThatThrownBy(() -> wrongSecret.post("c1", "x"))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("signature");
        assertThat(api.posts()).isEmpty();
    }

    @Test
    void anOversizeFrameIsAClearErrorNotRetried() {
        api.connect("c1");
        assertThatThrownBy(() -> connections.post("c1", "x".repeat(ConnectionPoster.MAX_FRAME_BYTES + 1)))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("PayloadTooLargeException");
        assertThat(api.requests()).isEqualTo(1);
    }

    @Test
    void anUnreachableEndpointFailsAfterTheTries() {
        int port;
        try (LoopbackApiGateway closed = LoopbackApiGateway.start()) {
            port = closed.endpoint().getPort();
        }
        ApiGatewayConnections nowhere = new ApiGatewayConnections(URI.create("http://127.0.0.1:" + port + "/live"),
                LoopbackApiGateway.clients());
        assertThatThrownBy(() -> nowhere.post("c1", "x"))
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("cannot reach")
                .hasMessageContaining("after 4 tries");
    }
}
