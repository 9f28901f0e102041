package dev.bakery.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

class AwsJsonClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackAws aws = LoopbackAws.start();

    @AfterEach
    void stop() {
        aws.close();
    }

    private static ObjectNode secretId(String id) {
        return JSON.createObjectNode().put("SecretId", id);
    }

    @Test
    void sendsASignedJsonRequestTheServiceAccepts() {
        aws.secret("ci/token", "s3cr3t");

        JsonNode response = aws.client(AwsService.SECRETS_MANAGER, "eu-west-3").call("GetSecretValue", secretId("ci/token"));

        assertThat(response.path("SecretString").asText()).isEqualTo("s3cr3t");
        assertThat(aws.calls()).containsExactly(
                new LoopbackAws.Call("secretsmanager", "eu-west-3", "secretsmanager.GetSecretValue", secretId("ci/token")));
    }

    @Test
    void signsForTheServiceItCalls() {
        aws.ecrRegistry("123456789012", "pw");

        ObjectNode request = JSON.createObjectNode();
        request.putArray("registryIds").add("123456789012");
        aws.client(AwsService.ECR, "ap-south-1").call("GetAuthorizationToken", request);

        assertThat(aws.calls()).singleElement().satisfies(call -> {
            assertThat(call.service()).isEqualTo("ecr");
            assertThat(call.region()).isEqualTo("ap-south-1");
            assertThat(call.target()).isEqualTo("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
        });
    }

    @Test
    void sendsTheSessionTokenOfTemporaryCredentials() {
        // Lambda's role credentials are temporary: without X-Amz-Security-Token every call would fail.
        aws.secret("ci/token", "s3cr3t");
        AwsJsonClient client = new AwsJsonClient(AwsService.SECRETS_MANAGER, "eu-west-1", aws.endpoint(),
                LoopbackAws.sessionCredentials(), UrlConnectionHttpClient.create(), AwsJsonClient.Retry.DEFAULT);

        assertThat(client.call("GetSecretValue", secretId("ci/token")).path("SecretString").asText()).isEqualTo("s3cr3t");
    }

    @Test
    void aWrongSecretKeyIsRejectedByTheServer() {
        // Proves the loopback server really checks signatures, so the other tests mean something.
        AwsJsonClient client = new AwsJsonClient(AwsService.SECRETS_MANAGER, "eu-west-1", aws.endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAws.ACCESS_KEY, "not-the-secret")),
                UrlConnectionHttpClient.create(), AwsJsonClient.Retry.DEFAULT);

        assertThatThrownBy(() -> client.call("GetSecretValue", secretId("x")))
                .isInstanceOfSatisfying(AwsCallException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errorType()).isEqualTo("InvalidSignatureException");
                    assertThat(e.target()).isEqualTo("secretsmanager.GetSecretValue");
                })
                .hasMessageStartingWith("secretsmanager.GetSecretValue failed: InvalidSignatureException: The request signature");
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void readsAwsErrorsWithEitherMessageSpelling() {
        assertThatThrownBy(() -> aws.client(AwsService.SECRETS_MANAGER, "eu-west-1").call("GetSecretValue", secretId("nope")))
                .isInstanceOfSatisfying(AwsCallException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorType()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.awsMessage()).isEqualTo("Secrets Manager can't find the specified secret.");
                })
                .hasMessage("secretsmanager.GetSecretValue failed: ResourceNotFoundException:"
                        + " Secrets Manager can't find the specified secret.");
        assertThat(aws.calls()).hasSize(1); // not retried

        assertThatThrownBy(() -> aws.client(AwsService.ECR, "eu-west-1").call("GetAuthorizationToken",
                JSON.createObjectNode().set("registryIds", JSON.createArrayNode().add("000000000000"))))
                .isInstanceOfSatisfying(AwsCallException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsMessage()).startsWith("User: " + LoopbackAws.CALLER + " is not authorized");
                });
    }

    @Test
    void retriesThrottling() {
        aws.secret("ci/token", "s3cr3t").throttleNext(1);

        JsonNode response = aws.client(AwsService.SECRETS_MANAGER, "eu-west-1").call("GetSecretValue", secretId("ci/token"));

        assertThat(response.path("SecretString").asText()).isEqualTo("s3cr3t");
        assertThat(aws.calls()).hasSize(2);
    }

    @Test
    void retriesServerErrors() {
        aws.secret("ci/token", "s3cr3t").failNext(2);

        JsonNode response = aws.client(AwsService.SECRETS_MANAGER, "eu-west-1").call("GetSecretValue", secretId("ci/token"));

        assertThat(response.path("SecretString").asText()).isEqualTo("s3cr3t");
        assertThat(aws.calls()).hasSize(3);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        aws.secret("ci/token", "s3cr3t").throttleNext(10);

        assertThatThrownBy(() -> aws.client(AwsService.SECRETS_MANAGER, "eu-west-1").call("GetSecretValue", secretId("ci/token")))
                .isInstanceOfSatisfying(AwsCallException.class, e -> assertThat(e.errorType()).isEqualTo("ThrottlingException"))
                .hasMessage("secretsmanager.GetSecretValue failed: ThrottlingException: Rate exceeded");
        assertThat(aws.calls()).hasSize(3);
    }

    @Test
    void saysWhichEndpointCannotBeReached() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port);
        AwsJsonClient client = new AwsJsonClient(AwsService.SECRETS_MANAGER, "eu-west-1", closed, LoopbackAws.credentials(),
                UrlConnectionHttpClient.create(), new AwsJsonClient.Retry(2, Duration.ofMillis(1), Duration.ofMillis(1)));

        assertThatThrownBy(() -> client.call("GetSecretValue", secretId("x")))
                .isInstanceOfSatisfying(AwsCallException.class, e -> assertThat(e.status()).isZero())
                .hasMessageStartingWith("secretsmanager.GetSecretValue failed: cannot reach " + closed + " (")
                .hasMessageEndingWith(") after 2 tries");
    }

    @Test
    void publicEndpointsFollowTheRegionsPartition() {
        assertThat(AwsService.SECRETS_MANAGER.endpoint("eu-west-1")).hasToString("https://secretsmanager.eu-west-1.amazonaws.com");
        assertThat(AwsService.ECR.endpoint("us-east-2")).hasToString("https://api.ecr.us-east-2.amazonaws.com");
        assertThat(AwsService.ECR_FIPS.endpoint("us-gov-west-1")).hasToString("https://ecr-fips.us-gov-west-1.amazonaws.com");
        assertThat(AwsService.SECRETS_MANAGER.endpoint("cn-north-1")).hasToString("https://secretsmanager.cn-north-1.amazonaws.com.cn");
        assertThat(AwsService.SECRETS_MANAGER.endpoint("cn-far-9")).hasToString("https://secretsmanager.cn-far-9.amazonaws.com.cn");
        assertThat(AwsService.SECRETS_MANAGER.endpoint("eu-far-9")).hasToString("https://secretsmanager.eu-far-9.amazonaws.com");
    }
}
