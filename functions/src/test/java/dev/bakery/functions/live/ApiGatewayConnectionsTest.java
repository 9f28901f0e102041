package dev.bakery.functions.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.testing.LoopbackAws;
import dev.bakery.aws.AwsClients;
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

    private LoopbackAws aws;
    private ApiGatewayConnections connections;

    @BeforeEach
    void start() {
        aws = LoopbackAws.start();
        connections = new ApiGatewayConnections(aws.managementEndpoint(), LoopbackAws.clients(LoopbackAws.API_REGION));
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    @Test
    void postsTheFrameSignedForExecuteApi() {
        // Real connection ids end in '=': the path segment is percent-encoded and the signature must still match.
        aws.connect("L0SM9cOFvHcCIhw=", "plain");
        connections.post("L0SM9cOFvHcCIhw=", "{\"type\":\"log\",\"buildId\":\"b-1\",\"lines\":[{\"msg\":\"héllo ✓\"}]}");
        connections.post("plain", "second");

        assertThat(aws.posts()).containsExactly(
                new LoopbackAws.Post("L0SM9cOFvHcCIhw=",
                        "{\"type\":\"log\",\"buildId\":\"b-1\",\"lines\":[{\"msg\":\"héllo ✓\"}]}"),
                new LoopbackAws.Post("plain", "second"));
        assertThat(aws.postRequests()).isEqualTo(2);
    }

    @Test
    void trailingSlashAndWssEndpointsAreTheSameApi() {
        aws.connect("c1");
        URI wss = URI.create(aws.managementEndpoint().toString().replace("http://", "ws://") + "/");
        new ApiGatewayConnections(wss, LoopbackAws.clients(LoopbackAws.API_REGION)).post("c1", "x");
        assertThat(aws.postsTo("c1")).containsExactly("x");
    }

    @Test
    void goneIsConnectionGoneException() {
        aws.connect("c1");
        aws.disconnect("c1");
        assertThatThrownBy(() -> connections.post("c1", "x"))
                .isInstanceOfSatisfying(ConnectionGoneException.class, e -> assertThat(e.connectionId()).isEqualTo("c1"));
        assertThatThrownBy(() -> connections.post("never-connected", "x")).isInstanceOf(ConnectionGoneException.class);
        assertThat(aws.postRequests()).isEqualTo(2); // 410 is final: no retry
        assertThat(aws.posts()).isEmpty();
    }

    @Test
    void throttlingIsRetried() {
        aws.connect("c1");
        aws.throttlePosts(2);
        connections.post("c1", "after two 429s");
        assertThat(aws.postRequests()).isEqualTo(3);
        assertThat(aws.postsTo("c1")).containsExactly("after two 429s");
    }

    @Test
    void serverErrorsAreRetriedToo() {
        aws.connect("c1");
        aws.failPosts(2);
        connections.post("c1", "after two 500s");
        assertThat(aws.postRequests()).isEqualTo(3);
        assertThat(aws.postsTo("c1")).containsExactly("after two 500s");
    }

    @Test
    void endlessThrottlingGivesUpAfterTheLastTry() {
        aws.connect("c1");
        aws.throttlePosts(100);
        assertThatThrownBy(() -> connections.post("c1", "x"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.isThrottlingException()).isTrue())
                .hasMessageContaining("PostToConnection to c1 failed after 3 tries")
                .hasMessageContaining("LimitExceededException")
                .hasMessageContaining("throttling");
        assertThat(aws.postRequests()).isEqualTo(3);
        assertThat(aws.posts()).isEmpty();
    }

    @Test
    void forbiddenNamesTheMissingPermission() {
        aws.connect("c1");
        aws.denyPosts();
        assertThatThrownBy(() -> connections.post("c1", "x"))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(403))
                .hasMessageContaining("execute-api:ManageConnections")
                .hasMessageContaining("AccessDeniedException");
        assertThat(aws.postRequests()).isEqualTo(1);
    }

    @Test
    void aSignatureForAnotherRegionIsRefusedAsForbidden() {
        aws.connect("c1");
        AwsClients clients = LoopbackAws.clients(LoopbackAws.API_REGION);
        ApiGatewayConnections wrongRegion = new ApiGatewayConnections(aws.managementEndpoint(),
                new AwsClients(Region.US_EAST_1, clients.credentials(), clients.http(), clients.retries()));
        assertThatThrownBy(() -> wrongRegion.post("c1", "x"))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("InvalidSignatureException")
                .hasMessageContaining("region");
        ApiGatewayConnections wrongSecret = new ApiGatewayConnections(aws.managementEndpoint(), new AwsClients(clients.region(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAws.ACCESS_KEY,
                        "not-the-secret")), clients.http(), clients.retries()));
        assertThatThrownBy(() -> wrongSecret.post("c1", "x"))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("signature");
        assertThat(aws.posts()).isEmpty();
    }

    @Test
    void anOversizeFrameIsAClearErrorNotRetried() {
        aws.connect("c1");
        assertThatThrownBy(() -> connections.post("c1", "x".repeat(ConnectionPoster.MAX_FRAME_BYTES + 1)))
                .isInstanceOf(AwsServiceException.class)
                .hasMessageContaining("PayloadTooLargeException");
        assertThat(aws.postRequests()).isEqualTo(1);
    }

    @Test
    void anUnreachableEndpointFailsAfterTheTries() {
        int port;
        try (LoopbackAws closed = LoopbackAws.start()) {
            port = closed.endpoint().getPort();
        }
        ApiGatewayConnections nowhere = new ApiGatewayConnections(URI.create("http://127.0.0.1:" + port + "/" + LoopbackAws.API_STAGE),
                LoopbackAws.clients(LoopbackAws.API_REGION));
        assertThatThrownBy(() -> nowhere.post("c1", "x"))
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("cannot reach")
                .hasMessageContaining("after 3 tries");
    }
}
