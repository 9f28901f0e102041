package dev.bakery.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake refuses what AWS refuses, so a client that passes against it is signing for real. */
class LoopbackAwsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackAws aws = LoopbackAws.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        aws.close();
    }

    private HttpResponse<String> post(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(aws.endpoint() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"SecretId\":\"x\"}"));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesUnsignedRequests() throws Exception {
        HttpResponse<String> response = post("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "secretsmanager.GetSecretValue");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"");
    }

    @Test
    void refusesAScopeWithoutAValidDateHeader() throws Exception {
        HttpResponse<String> response = post("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "secretsmanager.GetSecretValue",
                "Authorization", "AWS4-HMAC-SHA256 Credential=" + LoopbackAws.ACCESS_KEY
                        + "/20250101/eu-west-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-target, Signature="
                        + "0".repeat(64));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("IncompleteSignatureException", "X-Amz-Date");
    }

    @Test
    void refusesAnUnknownService() throws Exception {
        HttpResponse<String> response = post("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "secretsmanager.GetSecretValue",
                "Authorization", "AWS4-HMAC-SHA256 Credential=" + LoopbackAws.ACCESS_KEY
                        + "/20250101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64));

        assertThat(response.body()).contains("InvalidSignatureException", "scoped to correct service");
    }

    @Test
    void refusesATargetOfAnotherServiceThanTheSignatureNames() {
        AwsService mixedUp = new AwsService("ecr", "secretsmanager", "unused");
        AwsJsonClient client = aws.client(mixedUp, "eu-west-1");

        assertThatThrownBy(() -> client.call("GetSecretValue", JSON.createObjectNode().put("SecretId", "x")))
                .isInstanceOfSatisfying(AwsCallException.class,
                        e -> assertThat(e.errorType()).isEqualTo("UnknownOperationException"));
    }

    @Test
    void refusesJson11ForStepFunctions() {
        // Step Functions is an AWS JSON 1.0 service: a correctly signed 1.1 request is still refused.
        AwsJsonClient client = aws.client(new AwsService("states", "AWSStepFunctions", "states", "1.1"), "eu-west-1");

        assertThatThrownBy(() -> client.call("DescribeExecution", JSON.createObjectNode().put("executionArn", "x")))
                .isInstanceOfSatisfying(AwsCallException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("SerializationException");
                    assertThat(e.awsMessage()).isEqualTo("unexpected content type application/x-amz-json-1.1");
                });
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void refusesJson10ForCloudWatchLogs() {
        AwsJsonClient client = aws.client(new AwsService("logs", "Logs_20140328", "logs", "1.0"), "eu-west-1");

        assertThatThrownBy(() -> client.call("FilterLogEvents", JSON.createObjectNode().put("logGroupName", "x")))
                .isInstanceOfSatisfying(AwsCallException.class, e -> assertThat(e.errorType()).isEqualTo("SerializationException"));
    }

    @Test
    void refusesATargetOfAnotherServiceForTheNewServices() {
        AwsJsonClient client = aws.client(new AwsService("logs", "AWSStepFunctions", "logs", "1.1"), "eu-west-1");

        assertThatThrownBy(() -> client.call("StartExecution", JSON.createObjectNode()))
                .isInstanceOfSatisfying(AwsCallException.class,
                        e -> assertThat(e.errorType()).isEqualTo("UnknownOperationException"));
    }
}
